import { errorMessage, type Logger } from '@platform/common';
import type { Producer } from 'kafkajs';
import type { SubscriptionDirectory, Subscription } from '../subscriptions/subscription';
import type { HttpSender } from './http-sender';
import type { LaneJob, Outcome } from './lane';
import { airyContentSignature, standardKeyBytes, standardSignature } from './signatures';

export interface DispatcherOptions {
  readonly sender: Pick<HttpSender, 'send' | 'release' | 'close'>;
  readonly directory: SubscriptionDirectory;
  readonly producer: Producer;
  readonly outcomesTopic: string;
  readonly concurrencyPerSubscription: number;
  readonly logger: Logger;
  readonly clock?: () => number;
}

interface QueuedRecord {
  readonly key: string;
  readonly partition: number;
  readonly value: string;
  readonly resolve: (recorded: boolean) => void;
}

/** Outcome records are small (a few hundred bytes): this many stay far below a produce request's size limit. */
const maxOutcomesPerRequest = 500;

/**
 * The asynchronous half of delivery, shared by the delivery tasks of one replica: sends a lane's
 * head event and records the outcome in `application.webhooks.outcomes` (on the lane's partition)
 * before anything else happens to the lane — the task applies it when it reads it back. At most
 * `concurrencyPerSubscription` requests per subscription are in flight on this replica, over the
 * subscription's own pool of kept-alive connections, so a slow or dead subscriber holds at most that many
 * sockets and never a slot of another subscription. Unsubscribing aborts the subscription's requests in
 * flight and closes its connections.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, Set<AbortController>>();
  private readonly pending = new Set<Promise<void>>();
  /** Outcomes and markers waiting for the produce request in flight to finish. */
  private readonly queued: QueuedRecord[] = [];
  private flushing = false;
  private readonly stopListening: () => void;
  private closed = false;
  private readonly clock: () => number;

  constructor(private readonly options: DispatcherOptions) {
    this.clock = options.clock ?? Date.now;
    this.stopListening = options.directory.onChange((id, value) => {
      if (value === null || value.status !== 'SUBSCRIBED') {
        this.abort(id);
        options.sender.release(id);
      }
    });
  }

  canDispatch(subscriptionId: string): boolean {
    return !this.closed && (this.inFlight.get(subscriptionId)?.size ?? 0) < this.options.concurrencyPerSubscription;
  }

  /** Sends `job` to `subscription` and records the outcome for lane `lane`, sequence `seq`, attempt `attempt`, on `partition`. */
  dispatch(partition: number, lane: string, seq: number, attempt: number, job: LaneJob, subscription: Subscription, onRecorded?: (outcome: Outcome) => void): void {
    const controller = new AbortController();
    let set = this.inFlight.get(subscription.id);
    if (!set) this.inFlight.set(subscription.id, (set = new Set()));
    set.add(controller);
    const run = (async () => {
      let outcome: Outcome;
      try {
        const headers = this.headers(subscription, job);
        const result = await this.options.sender.send({ url: subscription.endpoint, headers, body: job.body, signal: controller.signal, pool: subscription.id });
        outcome = { kind: 'attempt', lane, seq, attempt, eventId: job.eventId, ok: result.ok, status: result.status, ...(result.ok ? {} : { reason: result.reason }), at: this.clock() };
      } catch (error) {
        outcome = { kind: 'attempt', lane, seq, attempt, eventId: job.eventId, ok: false, reason: `not sent: ${errorMessage(error)}`, at: this.clock() };
      }
      try {
        // Aborted (unsubscribed, shutting down) without a 2xx: nothing to record; the lane is gone or resumes elsewhere.
        if (controller.signal.aborted && !outcome.ok) return;
        if (await this.record(partition, lane, outcome)) onRecorded?.(outcome);
      } finally {
        // The slot is held until the outcome is recorded: answered-but-unrecorded events (delivered again after a
        // crash) stay within the per-subscription concurrency, however fast the subscriber answers.
        set.delete(controller);
        if (set.size === 0 && this.inFlight.get(subscription.id) === set) this.inFlight.delete(subscription.id);
      }
    })();
    this.track(run);
  }

  /** Writes a marker the task waits for: once read back, every outcome recorded before it has been applied. */
  marker(partition: number, token: string): void {
    this.track(this.record(partition, 'marker', { kind: 'marker', token }).then(() => undefined));
  }

  abort(subscriptionId: string): void {
    for (const controller of this.inFlight.get(subscriptionId) ?? []) controller.abort();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListening();
    for (const id of [...this.inFlight.keys()]) this.abort(id);
    this.options.sender.close();
    await Promise.allSettled([...this.pending]);
  }

  private headers(subscription: Subscription, job: LaneJob): Map<string, string> {
    const headers = new Map<string, string>([
      ['user-agent', 'Airy/1.0'],
      ['content-type', 'application/json'],
    ]);
    for (const [name, value] of Object.entries(subscription.headers ?? {})) headers.set(name.toLowerCase(), value);
    const timestamp = Math.floor(this.clock() / 1000);
    headers.set('webhook-id', job.eventId);
    headers.set('webhook-timestamp', String(timestamp));
    const key = this.options.directory.signatureKey(subscription);
    if (key !== undefined) {
      headers.set('x-airy-content-signature', airyContentSignature(key, job.body));
      headers.set('webhook-signature', standardSignature(standardKeyBytes(key), job.eventId, timestamp, job.body));
    }
    return headers;
  }

  /**
   * Queues the outcome for the next produce request and resolves once the broker acknowledged it (acks=all,
   * idempotent: true), or false when the replica shut down before. One produce request is in flight at a time and
   * carries every outcome queued meanwhile, so under load one round trip records many outcomes, in queue order.
   */
  private record(partition: number, key: string, outcome: Outcome): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.queued.push({ key, partition, value: JSON.stringify(outcome), resolve });
      if (!this.flushing) this.track(this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, maxOutcomesPerRequest);
        let delay = 100;
        for (;;) {
          try {
            await this.options.producer.send({ topic: this.options.outcomesTopic, acks: -1, messages: batch.map(({ key, partition, value }) => ({ key, partition, value })) });
            for (const item of batch) item.resolve(true);
            break;
          } catch (error) {
            if (this.closed) {
              this.options.logger.warn('outcomes not recorded before shutdown; their events will be delivered again', { count: batch.length, error: errorMessage(error) });
              for (const item of [...batch, ...this.queued.splice(0)]) item.resolve(false);
              return;
            }
            this.options.logger.warn('recording delivery outcomes failed; retrying', { count: batch.length, delayMs: delay, error: errorMessage(error) });
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, 5000);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private track(run: Promise<void>): void {
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
