import type { Consumer } from 'kafkajs';
import type { InputFetcher } from './input-fetcher';

export interface CrashHandling {
  /** The lean fetcher, under `fetchPath: 'lean'`. */
  readonly fetcher: InputFetcher | undefined;
  /** True once the runtime closes or failed: the consumer must stay down. */
  closing(): boolean;
  /** A crash kafkajs does not restart the consumer from. */
  fatal(error: unknown): void;
}

/**
 * What a crash of kafkajs' consumer means for the runtime. kafkajs disconnects a crashed consumer, so it
 * is no longer a group member, and for a retriable error starts it again after a delay: it joins anew
 * and the assignment (GROUP_JOIN) resumes the input.
 */
export function onConsumerCrash(consumer: Consumer, handling: CrashHandling): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // kafkajs fetches nothing until it joined again; the lean fetcher, on its own connections, would go
    // on reading partitions the group may meanwhile give to another member
    handling.fetcher?.suspend();
    if (!payload.restart) return handling.fatal(payload.error);
    // kafkajs schedules the restart right after emitting CRASH, and only stop() cancels it. A restart's
    // connect or join under way when close() disconnected fails only later (the cluster gone): without
    // this the consumer starts again after close and retries forever, keeping the process alive.
    if (handling.closing()) setImmediate(() => void consumer.disconnect().catch(() => undefined));
  });
}
