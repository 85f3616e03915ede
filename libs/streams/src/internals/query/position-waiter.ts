import type { EventHub, StreamsEventName } from '../runtime/events';
import type { Lifecycle } from '../runtime/lifecycle';

/** Events after which a store may have applied more input or a task may have become available. */
const PROGRESS_EVENTS: readonly StreamsEventName[] = ['commit.done', 'rebalance.assigned', 'restore.end', 'task.opened'];

/** Calls `notify` on every progress signal; returns the unsubscribe function. */
export type ProgressSignals = (notify: () => void) => () => void;

/** Progress = a runtime event above or a state transition of the application. */
export function progressSignals(events: EventHub, lifecycle?: Lifecycle): ProgressSignals {
  return (notify) => {
    const offs = PROGRESS_EVENTS.map((event) => events.on(event, notify));
    if (lifecycle) offs.push(lifecycle.onChange(notify));
    return () => offs.forEach((off) => off());
  };
}

/**
 * Resolves true as soon as `done()` holds, re-checking only when the runtime signals progress
 * (a commit, a finished restoration, a new assignment, a state change); false when `timeoutMs`
 * passes first. No polling: between signals nothing runs.
 */
export function waitUntil(signals: ProgressSignals, done: () => boolean, timeoutMs: number): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  if (timeoutMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    const timer = setTimeout(() => finish(done()), timeoutMs);
    const unsubscribe = signals(() => {
      if (done()) finish(true);
    });
  });
}
