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

/** Consecutive jobs of one lane, from its head, handed to the Dispatcher by the lane's delivery task. */
export interface LaneRun {
  readonly partition: number;
  readonly lane: string;
  readonly subscriptionId: string;
  /** Sequence number of the first job (the lane's head) and the failed attempts it had; the others are first attempts. */
  readonly seq: number;
  readonly attempt: number;
  readonly jobs: readonly LaneJob[];
  /** After each outcome is recorded (acknowledged by Kafka). */
  readonly onRecorded: (outcome: Outcome) => void;
  /** Once, when the run is over (after its last outcome was passed to `onRecorded`). */
  readonly onEnd: () => void;
  /** Asked before each job after the first: false ends the run (the task was closed). */
  readonly proceed: () => boolean;
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
 * before anything else happens to the lane — the task applies it when it reads it back. A run carries
 * the jobs queued behind the head too, so a lane's next event goes out as soon as the previous 2xx is
 * recorded, without waiting for the task's next dispatch pass (which queues behind its commits). At most
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

  /**
   * Sends the run's jobs one after the other, each only once the previous one's 2xx is recorded, and records each
   * outcome on the run's partition; the run holds one of the subscription's slots until its last outcome is
   * recorded. It ends at a failure (recorded: the task schedules the retry), when the subscription is no longer
   * subscribed (its requests are aborted), when `proceed` says no (the task closed) or after its last job. Each job
   * is sent with the subscription as the directory has it then (an update of its URL, headers or key applies to
   * the next request).
   */
  dispatch(run: LaneRun): void {
    const controller = new AbortController();
    const id = run.subscriptionId;
    let set = this.inFlight.get(id);
    if (!set) this.inFlight.set(id, (set = new Set()));
    set.add(controller);
    const go = (async () => {
      try {
        for (let i = 0; i < run.jobs.length; i++) {
          const subscription = this.options.directory.get(id);
          if (controller.signal.aborted || subscription === undefined || subscription.status !== 'SUBSCRIBED' || (i > 0 && !run.proceed())) return;
          const outcome = await this.attempt(run, i, subscription, controller.signal);
          // Aborted (unsubscribed, shutting down) without a 2xx: nothing to record; the lane is gone or resumes elsewhere.
          if (controller.signal.aborted && !outcome.ok) return;
          if (!(await this.record(run.partition, run.lane, outcome))) return;
          run.onRecorded(outcome);
          if (!outcome.ok) return;
        }
      } finally {
        // The slot is held until the outcome is recorded: answered-but-unrecorded events (delivered again after a
        // crash) stay within the per-subscription concurrency, however fast the subscriber answers.
        set.delete(controller);
        if (set.size === 0 && this.inFlight.get(id) === set) this.inFlight.delete(id);
        run.onEnd();
      }
    })();
    this.track(go);
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

  private async attempt(run: LaneRun, index: number, subscription: Subscription, signal: AbortSignal): Promise<Extract<Outcome, { kind: 'attempt' }>> {
    const job = run.jobs[index]!;
    const seq = run.seq + index;
    const attempt = index === 0 ? run.attempt : 0;
    try {
      const headers = this.headers(subscription, job);
      const result = await this.options.sender.send({ url: subscription.endpoint, headers, body: job.body, signal, pool: subscription.id });
      return { kind: 'attempt', lane: run.lane, seq, attempt, eventId: job.eventId, ok: result.ok, status: result.status, ...(result.ok ? {} : { reason: result.reason }), at: this.clock() };
    } catch (error) {
      return { kind: 'attempt', lane: run.lane, seq, attempt, eventId: job.eventId, ok: false, reason: `not sent: ${errorMessage(error)}`, at: this.clock() };
    }
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
