import { Admin } from 'kafkajs';
import { missingTopics } from './chart-topics';

export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly onWaiting?: (reason: string) => void;
}

/**
 * Calls `check` until it returns undefined (done) or the deadline passes; `check` returns why it is not done yet
 * (or throws, which counts as not done). Rejects with the last reason at the deadline.
 */
export async function pollUntilDone(check: () => Promise<string | undefined>, options: PollOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    let reason: string | undefined;
    try {
      reason = await check();
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (reason === undefined) return;
    if (Date.now() >= deadline) throw new Error(`gave up after ${Math.round(options.timeoutMs / 1000)} s: ${reason}`);
    options.onWaiting?.(reason);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/** undefined when every topic in `wanted` exists, else which ones are missing (the first few). */
export async function topicsMissingReason(admin: Admin, wanted: readonly string[]): Promise<string | undefined> {
  const missing = missingTopics(wanted, await admin.listTopics());
  if (missing.length === 0) return undefined;
  return `${missing.length} of ${wanted.length} topics missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`;
}
