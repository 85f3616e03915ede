import type { StreamsEventName } from '../runtime/events';

const every: Record<StreamsEventName, true> = {
  'restore.start': true,
  'restore.batch': true,
  'restore.end': true,
  'task.opened': true,
  'task.closed': true,
  'task.fenced': true,
  'transaction.aborted': true,
  'task.isolated': true,
  'rebalance.assigned': true,
  'commit.done': true,
};

/** Every runtime event (typed as a record, so a new event name fails to compile until added here). */
export const STREAMS_EVENT_NAMES = Object.keys(every) as StreamsEventName[];
