import type { Cancellable, PunctuationType, Punctuator } from '../../api/processor';

interface Schedule {
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  readonly node: string;
  /** Time at or after which the punctuator is due next. */
  next: number;
  cancelled: boolean;
}

/**
 * The punctuation schedules of one task, for one time type.
 *
 * Stream time: a schedule is due from stream time 0, so it fires on the first record after it was
 * created, then at the next multiple of the interval. Wall clock: first due `intervalMs` after
 * scheduling. Either way a late check fires a punctuator once (missed intervals are skipped, as
 * in Kafka Streams), with the current time, and realigns to the interval grid of the schedule.
 */
export class PunctuationQueue {
  private schedules: Schedule[] = [];

  constructor(readonly type: PunctuationType) {}

  add(node: string, intervalMs: number, punctuator: Punctuator, start: number): Cancellable {
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new RangeError(`punctuation interval must be >= 1 ms, got ${intervalMs}`);
    }
    const schedule: Schedule = { intervalMs, punctuator, node, next: start, cancelled: false };
    this.schedules.push(schedule);
    return {
      cancel: () => {
        schedule.cancelled = true;
        this.schedules = this.schedules.filter((s) => s !== schedule);
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
      if (schedule.cancelled || now < schedule.next) continue;
      schedule.next = now - ((now - schedule.next) % schedule.intervalMs) + schedule.intervalMs;
      schedule.punctuator(now);
      fired++;
    }
    return fired;
  }

  clear(): void {
    this.schedules = [];
  }
}
