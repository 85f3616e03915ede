import type { EventHub, StreamsEventName } from '../runtime/events';

/** Events after which a store may have applied more input. */
const PROGRESS_EVENTS: readonly StreamsEventName[] = ['commit.done', 'rebalance.assigned', 'restore.end', 'task.opened'];

/**
 * Resolves true as soon as `reached()` holds, re-checking only when the runtime reports progress
 * (a commit, a finished restoration, a new assignment); false when `timeoutMs` passes first. No
 * polling: between events nothing runs.
 */
export function waitUntil(events: EventHub, reached: () => boolean, timeoutMs: number): Promise<boolean> {
  if (reached()) return Promise.resolve(true);
  if (timeoutMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    const finish = (value: boolean) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      resolve(value);
    };
    const timer = setTimeout(() => finish(reached()), timeoutMs);
    for (const event of PROGRESS_EVENTS) {
      offs.push(
        events.on(event, () => {
          if (reached()) finish(true);
        }),
      );
    }
  });
}
