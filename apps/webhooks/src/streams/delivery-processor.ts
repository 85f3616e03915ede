import { randomUUID } from 'node:crypto';
import type { SendGuard } from '@platform/common';
import type { KeyValueStore, Processor, ProcessorContext, StreamRecord } from '@platform/streams';
import type { WebhookEvent } from '../events/webhook-event';
import { retryDelayMs, type DeliveryPolicy } from '../delivery/delivery-policy';
import type { Dispatcher } from '../delivery/dispatcher';
import { emptyStatus, jobKey, laneKey, type DeadLetter, type LaneJob, type LaneState, type Outcome, type PartitionStatus } from '../delivery/lane';
import { wants, type SubscriptionDirectory } from '../subscriptions/subscription';

export const DeliveryStores = {
  lanes: 'delivery-lanes',
  jobs: 'delivery-jobs',
  status: 'delivery-status',
} as const;

/** Child names of the delivery processor. */
export const DeliveryOutputs = { deadLetters: 'dead-letters-sink', status: 'status-sink' } as const;

export interface DeliveryProcessorOptions {
  readonly policy: DeliveryPolicy;
  readonly directory: SubscriptionDirectory;
  readonly dispatcher: Pick<Dispatcher, 'canDispatch' | 'dispatch' | 'marker'>;
  readonly eventsTopic: string;
  readonly random?: () => number;
  /** How often changed statuses are published. */
  readonly statusIntervalMs?: number;
  /**
   * Blue/green (`sendEpochGuard` over the CLI's control topic): the event times this app version delivers. A lane
   * whose head belongs to another version waits, undelivered, until that version's outcome arrives in the outcomes
   * topic (or the epochs hand the event over). Default: every event (a single version).
   */
  readonly guard?: SendGuard;
}

/**
 * One delivery task (one partition of events + outcomes). Events are fanned out to the lanes of the
 * subscriptions that want them (`lanes`, `jobs` stores: FIFO per subscription and ordering key).
 * A wall-clock punctuator hands each lane whose head is due a run to the Dispatcher: the head and up to
 * `laneRunLength` jobs queued behind it, sent one at a time, each after the previous 2xx was recorded (one run
 * per lane at a time, so a conversation's events arrive in order). The Dispatcher records each outcome in the
 * outcomes topic, and only once it is recorded (acknowledged by Kafka) does the lane move on — at the next
 * punctuation, or when the task reads the record back, whichever comes first: an acknowledged head is
 * removed, a failed one is retried after a jittered exponential backoff or, after
 * `maxAttempts`, written to the dead-letter topic and removed. Nothing is dispatched before the
 * task has read back its own start marker, so outcomes recorded by a previous owner are applied
 * first. A lane of a subscription that is gone or unsubscribed is dropped, retries included.
 */
export class DeliveryProcessor implements Processor<string, WebhookEvent | Outcome, string, DeadLetter | PartitionStatus> {
  private context!: ProcessorContext<string, DeadLetter | PartitionStatus>;
  private lanes!: KeyValueStore<string, LaneState>;
  private jobs!: KeyValueStore<string, LaneJob>;
  private status!: KeyValueStore<string, PartitionStatus>;
  private partition = 0;
  /** Lanes with a job, mirrored from the store so the punctuator never scans SQLite. */
  private active: Map<string, LaneState> | undefined;
  /** Lanes with a run at the Dispatcher, each with its run's token (a lane dropped and queued again gets a new run). */
  private readonly sending = new Map<string, object>();
  private readonly dirty = new Set<string>();
  private readonly token = randomUUID();
  private ready = false;
  private closed = false;
  /** Outcomes the Dispatcher has recorded in Kafka, applied at the next punctuation without waiting to read them back. */
  private recorded: Outcome[] = [];
  /** Recorded outcomes applied before the task read them back: their read-back changes nothing and is skipped. */
  private readonly appliedEarly = new Set<string>();
  private readonly random: () => number;

  constructor(private readonly options: DeliveryProcessorOptions) {
    this.random = options.random ?? Math.random;
  }

  init(context: ProcessorContext<string, DeadLetter | PartitionStatus>): void {
    this.context = context;
    this.lanes = context.getStateStore(DeliveryStores.lanes);
    this.jobs = context.getStateStore(DeliveryStores.jobs);
    this.status = context.getStateStore(DeliveryStores.status);
    this.partition = Number(context.taskId.split('_')[1]);
    this.options.dispatcher.marker(this.partition, this.token);
    context.schedule(this.options.policy.dispatchIntervalMs, 'wall-clock', () => this.dispatchDue());
    context.schedule(this.options.statusIntervalMs ?? 500, 'wall-clock', () => this.publishStatus());
  }

  process(record: StreamRecord<string, WebhookEvent | Outcome>): void {
    const source = this.context.recordMetadata();
    if (record.value === null || record.value === undefined) return;
    if (source?.topic === this.options.eventsTopic) this.fanOut(record.value as WebhookEvent);
    else this.readBack(record.value as Outcome);
  }

  private readBack(outcome: Outcome): void {
    if (outcome.kind === 'attempt' && this.appliedEarly.delete(attemptKey(outcome))) return;
    this.apply(outcome);
  }

  close(): void {
    this.closed = true;
    this.sending.clear();
    this.recorded = [];
    this.appliedEarly.clear();
  }

  private fanOut(event: WebhookEvent): void {
    for (const subscription of this.options.directory.all()) {
      if (!wants(subscription, event.type, event.timestamp)) continue;
      const lane = laneKey(subscription.id, event.orderingKey);
      const state = this.lanes.get(lane) ?? { subscriptionId: subscription.id, head: 0, next: 0, attempts: 0, notBefore: 0 };
      this.jobs.put(jobKey(lane, state.next), { eventId: event.id, type: event.type, body: event.body, at: event.timestamp });
      this.saveLane(lane, { ...state, next: state.next + 1 });
      this.updateStatus(subscription.id, (s) => ({ ...s, backlog: s.backlog + 1 }));
    }
  }

  /** Applies `outcome` to its lane; false when it changed nothing (already applied, or the lane moved on or is gone). */
  private apply(outcome: Outcome): boolean {
    if (outcome.kind === 'marker') {
      if (outcome.token === this.token) this.ready = true;
      return true;
    }
    const lane = this.lanes.get(outcome.lane);
    // Already applied (a second attempt's outcome after a rebalance, a replay), or the lane was dropped.
    if (lane === undefined || lane.head !== outcome.seq || lane.attempts !== outcome.attempt) return false;
    // A lane that emptied is deleted and starts again at sequence 0: an old outcome must not settle a new event.
    const job = this.jobs.get(jobKey(outcome.lane, lane.head));
    if (job !== undefined && job.eventId !== outcome.eventId) return false;
    const subscriptionId = lane.subscriptionId;
    if (outcome.ok) {
      this.advance(outcome.lane, lane);
      this.updateStatus(subscriptionId, (s) => ({ ...s, lastSuccessAt: outcome.at, failingSince: null, backlog: Math.max(0, s.backlog - 1), delivered: s.delivered + 1 }));
      return true;
    }
    const attempts = lane.attempts + 1;
    const reason = outcome.reason ?? 'failed';
    if (attempts >= this.options.policy.maxAttempts) {
      const deadLetter: DeadLetter = { subscriptionId, eventId: outcome.eventId, type: job?.type ?? 'unknown', attempts, reason, at: outcome.at, body: job?.body ?? '' };
      this.context.forward({ key: subscriptionId, value: deadLetter, timestamp: outcome.at, headers: { 'dlq.reason': Buffer.from(reason) } }, DeliveryOutputs.deadLetters);
      this.advance(outcome.lane, lane);
      this.updateStatus(subscriptionId, (s) => ({ ...s, lastFailureAt: outcome.at, lastFailure: `${reason} (dead-lettered after ${attempts} attempts)`, failingSince: s.failingSince ?? outcome.at, backlog: Math.max(0, s.backlog - 1), deadLettered: s.deadLettered + 1 }));
      return true;
    }
    this.saveLane(outcome.lane, { ...lane, attempts, notBefore: outcome.at + retryDelayMs(this.options.policy, attempts, this.random()) });
    this.updateStatus(subscriptionId, (s) => ({ ...s, lastFailureAt: outcome.at, lastFailure: reason, failingSince: s.failingSince ?? outcome.at }));
    return true;
  }

  /** Removes the head job and moves to the next one (or deletes the empty lane). */
  private advance(lane: string, state: LaneState): void {
    this.jobs.delete(jobKey(lane, state.head));
    this.saveLane(lane, { ...state, head: state.head + 1, attempts: 0, notBefore: 0 });
  }

  private saveLane(lane: string, state: LaneState): void {
    const active = this.activeLanes();
    if (state.head >= state.next) {
      this.lanes.delete(lane);
      active.delete(lane);
    } else {
      this.lanes.put(lane, state);
      active.set(lane, state);
    }
  }

  private activeLanes(): Map<string, LaneState> {
    if (this.active === undefined) {
      this.active = new Map();
      for (const { key, value } of this.lanes.all()) this.active.set(key, value);
    }
    return this.active;
  }

  private dispatchDue(): void {
    if (!this.ready) return;
    // Recorded outcomes are durable already; applying them here saves a round trip through the topic. When the
    // record is read back it no longer matches the lane's head and attempt and would change nothing: it is skipped
    // without reading the stores (an outcome read back before it was applied here is applied then, and not here).
    const recorded = this.recorded;
    this.recorded = [];
    for (const outcome of recorded) if (this.apply(outcome) && outcome.kind === 'attempt') this.appliedEarly.add(attemptKey(outcome));
    const now = this.context.currentSystemTimeMs();
    const { directory, dispatcher } = this.options;
    for (const [lane, state] of [...this.activeLanes()]) {
      const subscription = directory.get(state.subscriptionId);
      if (subscription === undefined || subscription.status !== 'SUBSCRIBED') {
        this.drop(lane, state);
        continue;
      }
      if (this.sending.has(lane) || state.notBefore > now || !dispatcher.canDispatch(subscription.id)) continue;
      const jobs = this.runOf(lane, state);
      if (jobs === undefined) {
        this.advance(lane, state);
        continue;
      }
      if (jobs.length === 0) continue;
      const token = {};
      this.sending.set(lane, token);
      dispatcher.dispatch({
        partition: this.partition,
        lane,
        subscriptionId: subscription.id,
        seq: state.head,
        attempt: state.attempts,
        jobs,
        proceed: () => !this.closed,
        onRecorded: (outcome) => {
          if (!this.closed) this.recorded.push(outcome);
        },
        onEnd: () => {
          if (this.sending.get(lane) === token) this.sending.delete(lane);
        },
      });
    }
  }

  /**
   * The jobs of a run: the lane's head and those queued behind it, in order, up to `laneRunLength` jobs and
   * {@link maxRunBytes} of bodies (the head always), stopping before the first job another app version delivers.
   * Undefined when the head job is missing; empty when the head is another version's.
   */
  private runOf(lane: string, state: LaneState): LaneJob[] | undefined {
    const last = Math.min(state.next, state.head + Math.max(1, this.options.policy.laneRunLength)) - 1;
    const jobs: LaneJob[] = [];
    let bytes = 0;
    let seq = state.head;
    for (const { key, value } of this.jobs.range(jobKey(lane, state.head), jobKey(lane, last))) {
      if (key !== jobKey(lane, seq)) break;
      if (value.at !== undefined && this.options.guard !== undefined && !this.options.guard.performs(value.at)) break;
      bytes += value.body.length;
      if (jobs.length > 0 && bytes > maxRunBytes) break;
      jobs.push(value);
      seq++;
    }
    if (jobs.length === 0 && this.jobs.get(jobKey(lane, state.head)) === undefined) return undefined;
    return jobs;
  }

  /** Unsubscribed or deleted: the lane's queued events and scheduled retries are discarded. */
  private drop(lane: string, state: LaneState): void {
    for (let seq = state.head; seq < state.next; seq++) this.jobs.delete(jobKey(lane, seq));
    this.lanes.delete(lane);
    this.activeLanes().delete(lane);
    this.sending.delete(lane);
    const dropped = state.next - state.head;
    this.updateStatus(state.subscriptionId, (s) => ({ ...s, backlog: Math.max(0, s.backlog - dropped) }));
  }

  private updateStatus(subscriptionId: string, change: (status: PartitionStatus) => PartitionStatus): void {
    this.status.put(subscriptionId, change(this.status.get(subscriptionId) ?? emptyStatus(subscriptionId, this.partition)));
    this.dirty.add(subscriptionId);
  }

  private publishStatus(): void {
    for (const subscriptionId of this.dirty) {
      const status = this.status.get(subscriptionId);
      if (status !== undefined) this.context.forward({ key: `${subscriptionId}/${this.partition}`, value: status, timestamp: this.context.currentSystemTimeMs(), headers: {} }, DeliveryOutputs.status);
    }
    this.dirty.clear();
  }
}

/** Body bytes (UTF-16 code units) one run holds at most beyond its first job: bounds a replica's memory with large events. */
const maxRunBytes = 1024 * 1024;

function attemptKey(outcome: Extract<Outcome, { kind: 'attempt' }>): string {
  return `${outcome.lane}|${outcome.seq}|${outcome.attempt}|${outcome.eventId}`;
}
