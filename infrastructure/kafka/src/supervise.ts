import { constants } from 'node:os';
import { Logger, silentLogger } from '@platform/common';

/** How a supervised process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running process the supervisor watches: it resolves `exited` when it ends, and stops on `stop`. */
export interface Supervisable {
  readonly exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export interface RestartPolicy {
  /** Delay before the first restart (default 1000 ms); doubled for each further rapid failure. */
  readonly initialDelayMs?: number;
  /** Cap of the delay (default 30 000 ms). */
  readonly maxDelayMs?: number;
  /** Give up after this many failures in a row (default 5), each within `stableAfterMs` of its start. */
  readonly maxRapidFailures?: number;
  /** A process that ran this long before exiting starts the count again (default 60 000 ms). */
  readonly stableAfterMs?: number;
}

/**
 * Exponential backoff with a cap, counting failures in a row: `next(ranForMs)` after a crash gives the
 * delay and attempt number of the next start, or undefined once `maxRapidFailures` rapid failures in a
 * row have happened. Pure; the clock is the caller's.
 */
export class RestartBackoff {
  private failures = 0;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRapidFailures: number;
  private readonly stableAfterMs: number;

  constructor(policy: RestartPolicy = {}) {
    this.initialDelayMs = policy.initialDelayMs ?? 1000;
    this.maxDelayMs = policy.maxDelayMs ?? 30_000;
    this.maxRapidFailures = policy.maxRapidFailures ?? 5;
    this.stableAfterMs = policy.stableAfterMs ?? 60_000;
  }

  /** `ranForMs`: how long the process ran (0 when it failed to start). */
  next(ranForMs: number): { attempt: number; delayMs: number } | undefined {
    this.failures = ranForMs >= this.stableAfterMs ? 1 : this.failures + 1;
    if (this.failures > this.maxRapidFailures) return undefined;
    const delayMs = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** (this.failures - 1));
    return { attempt: this.failures, delayMs };
  }

  get rapidFailures(): number {
    return this.failures;
  }
}

/** "code 1", "code 137" (killed by SIGKILL: 128 + 9, as a shell reports it), "code 143". */
export function describeExit(exit: ProcessExit): string {
  if (exit.code !== null) return `code ${exit.code}`;
  const number = exit.signal ? constants.signals[exit.signal] : undefined;
  return number === undefined ? `signal ${exit.signal ?? 'unknown'}` : `code ${128 + number} (${exit.signal})`;
}

export interface SupervisorOptions<T extends Supervisable> {
  /** As printed: `kafka exited with code 137, restarting in 2 s (attempt 3)`. */
  readonly name: string;
  /** Starts the process again (same ports and data); a rejection counts as a failure. */
  readonly restart: () => Promise<T>;
  readonly policy?: RestartPolicy;
  readonly logger?: Logger;
  /** After `maxRapidFailures` failures in a row; the supervisor stops restarting. */
  readonly onGiveUp?: (message: string) => void;
  /** After each successful restart. */
  readonly onRestarted?: (process: T) => void;
  readonly clock?: () => number;
}

/**
 * Keeps one process running: when it exits unasked, logs why and restarts it after the backoff's
 * delay; gives up (once, with `onGiveUp`) after too many rapid failures. `stop()` ends the watch and
 * stops the current process; no restart happens after it.
 */
export class Supervisor<T extends Supervisable> {
  private stopped = false;
  private readonly backoff: RestartBackoff;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private restarting: Promise<void> | undefined;

  constructor(
    private process: T,
    private readonly options: SupervisorOptions<T>,
  ) {
    this.backoff = new RestartBackoff(options.policy);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? Date.now;
    this.startedAt = this.clock();
    this.watch(process);
  }

  get current(): T {
    return this.process;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.restarting;
    await this.process.stop();
  }

  private watch(process: T): void {
    void process.exited.then((exit) => {
      if (this.stopped || process !== this.process) return;
      this.restarting = this.restartAfter(`${this.options.name} exited with ${describeExit(exit)}`);
    });
  }

  private async restartAfter(what: string): Promise<void> {
    let reason = what;
    for (;;) {
      const next = this.backoff.next(this.clock() - this.startedAt);
      if (!next) {
        const message = `${reason}; giving up after ${this.backoff.rapidFailures - 1} restarts in a row that failed within ${Math.round((this.options.policy?.stableAfterMs ?? 60_000) / 1000)} s`;
        this.logger.error(message);
        this.options.onGiveUp?.(message);
        return;
      }
      this.logger.warn(`${reason}, restarting in ${formatDelay(next.delayMs)} (attempt ${next.attempt})`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, next.delayMs);
      });
      if (this.stopped) return;
      this.startedAt = this.clock();
      try {
        const started = await this.options.restart();
        if (this.stopped) {
          await started.stop();
          return;
        }
        this.process = started;
        this.logger.info(`${this.options.name} restarted (attempt ${next.attempt})`);
        this.options.onRestarted?.(started);
        this.watch(started);
        return;
      } catch (error) {
        reason = `${this.options.name} did not start again (${error instanceof Error ? error.message : String(error)})`;
      }
    }
  }
}

function formatDelay(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
