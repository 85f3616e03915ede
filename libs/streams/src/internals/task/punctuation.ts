import type { PunctuationType, Punctuator, Scheduled } from '../../api/processor';

interface Schedule {
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  readonly node: string;
  /** Time at or after which the punctuator is due next. */
  next: number;
  cancelled: boolean;
  /** `runSoon()` was called: due whatever `next` says. */
  soon: boolean;
}

/**
 * The punctuation schedules of one task, for one time type.
 *
 * Stream time: a schedule is due from stream time 0, so it fires on the first record after it was
 * created, then at the next multiple of the interval. Wall clock: first due `intervalMs` after
 * scheduling. Either way a late check fires a punctuator once (missed intervals are skipped, as
 * in Kafka Streams), with the current time, and realigns to the interval grid of the schedule. A
 * schedule asked to run soon fires at the next check and is next due one interval after that.
 */
export class PunctuationQueue {
  private schedules: Schedule[] = [];

  /** `onRunSoon`: asks whoever drives this queue for a prompt `fire` (wall clock). */
  constructor(
    readonly type: PunctuationType,
    private readonly onRunSoon: () => void = () => undefined,
  ) {}

  add(node: string, intervalMs: number, punctuator: Punctuator, start: number): Scheduled {
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new RangeError(`punctuation interval must be >= 1 ms, got ${intervalMs}`);
    }
    const schedule: Schedule = { intervalMs, punctuator, node, next: start, cancelled: false, soon: false };
    this.schedules.push(schedule);
    return {
      cancel: () => {
        schedule.cancelled = true;
        this.schedules = this.schedules.filter((s) => s !== schedule);
      },
      runSoon: () => {
        if (schedule.cancelled || schedule.soon) return;
        schedule.soon = true;
        this.onRunSoon();
      },
    };
  }

  /**
   * Fires every schedule due at `now`, in scheduling order. Schedules added while firing are first
   * considered by the next call; one cancelled while firing does not fire afterwards.
   */
  fire(now: number): number {
    let fired = 0;
    for (const schedule of [...this.schedules]) {
      if (schedule.cancelled || (now < schedule.next && !schedule.soon)) continue;
      schedule.next = now < schedule.next ? now + schedule.intervalMs : now - ((now - schedule.next) % schedule.intervalMs) + schedule.intervalMs;
      schedule.soon = false;
      schedule.punctuator(now);
      fired++;
    }
    return fired;
  }

  clear(): void {
    this.schedules = [];
  }
}
