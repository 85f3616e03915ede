/** Delivery state of one lane: the events of one ordering key (conversation, channel, tag) for one subscription, in order. */
export interface LaneState {
  readonly subscriptionId: string;
  /** Sequence number of the head job (the one being delivered). */
  readonly head: number;
  /** Sequence number the next appended job gets; the lane is empty when head === next. */
  readonly next: number;
  /** Failed attempts of the head job so far. */
  readonly attempts: number;
  /** The head is not tried before this (epoch ms; 0 = now). */
  readonly notBefore: number;
}

/** One queued event of a lane. */
export interface LaneJob {
  readonly eventId: string;
  readonly type: string;
  readonly body: string;
  /** The event's time (its `timestamp`): which app version delivers it while two run (send epochs). Absent in jobs queued before it was recorded. */
  readonly at?: number;
}

/** A record of `application.webhooks.outcomes`: the result of one attempt, or a marker a task waits for before it dispatches. */
export type Outcome =
  | { readonly kind: 'attempt'; readonly lane: string; readonly seq: number; /** Failed attempts of the head when this one started. */ readonly attempt: number; readonly eventId: string; readonly ok: boolean; readonly status?: number; readonly reason?: string; readonly at: number }
  | { readonly kind: 'marker'; readonly token: string };

/** Status of one subscription in one events partition (merged over partitions by the API). */
export interface PartitionStatus {
  readonly subscriptionId: string;
  readonly partition: number;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  readonly lastFailure: string | null;
  /** Since when this partition's deliveries fail without a success in between; null when healthy. */
  readonly failingSince: number | null;
  /** Events queued and not yet acknowledged or dead-lettered. */
  readonly backlog: number;
  readonly delivered: number;
  readonly deadLettered: number;
}

/** A record of `application.webhooks.dead-letters`. */
export interface DeadLetter {
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly type: string;
  readonly attempts: number;
  readonly reason: string;
  readonly at: number;
  readonly body: string;
}

/** Lane key: subscription ids cannot contain `|` (see subscription ids), so the split is unambiguous. */
export function laneKey(subscriptionId: string, orderingKey: string): string {
  return `${subscriptionId}|${orderingKey}`;
}

/** Job key: the lane and a zero-padded sequence number, so a lane's jobs sort in order. */
export function jobKey(lane: string, seq: number): string {
  return `${lane}|${String(seq).padStart(12, '0')}`;
}

export function emptyStatus(subscriptionId: string, partition: number): PartitionStatus {
  return { subscriptionId, partition, lastSuccessAt: null, lastFailureAt: null, lastFailure: null, failingSince: null, backlog: 0, delivered: 0, deadLettered: 0 };
}
