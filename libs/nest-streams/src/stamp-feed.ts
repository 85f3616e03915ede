import { KNOWN_STAMP_FIELD } from './held-parts';

/** Body field of a stamp watch: how long the peer may hold the call while its stamp is the known one. */
export const HOLD_MS_FIELD = 'hold_ms';

/** Longest a stamp watch is held by the answering replica (below the callers' 4 s idle socket timeout). */
export const MAX_STAMP_HOLD_MS = 3_000;

interface Waiter {
  readonly known: string | null;
  settle(stamp: string | null): void;
}

/**
 * The answering side of a stamp watch: other replicas ask "tell me when your stamp is no longer `known`"
 * and the answer is held until it is (or the hold ends). `changed()` is called by whatever the stamp is
 * built from (the owner's index after each change), so a change reaches the watchers in one round trip;
 * `recheckMs` also re-reads it while anyone waits, for inputs that do not signal (a lost readiness).
 * Holds never keep the process alive, and `close()` answers every waiter at once.
 */
export class StampFeed {
  private readonly waiters = new Set<Waiter>();
  private recheck: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly read: () => string | undefined,
    private readonly recheckMs = 50,
  ) {}

  /** The stamp now (`null`: nothing may be reused). */
  current(): string | null {
    return this.read() ?? null;
  }

  /** Something the stamp is built from may have changed: answers every waiter whose stamp it no longer is. */
  changed(): void {
    if (this.waiters.size === 0) return;
    const now = this.current();
    for (const waiter of this.waiters) if (waiter.known !== now) waiter.settle(now);
  }

  /** The stamp, as soon as it is not `known`, or after `holdMs` (bounded by `MAX_STAMP_HOLD_MS`) whatever it is. */
  wait(known: string | null, holdMs: number): Promise<string | null> {
    const now = this.current();
    if (this.closed || now !== known || holdMs <= 0) return Promise.resolve(now);
    return new Promise<string | null>((resolve) => {
      const waiter: Waiter = {
        known,
        settle: (stamp) => {
          clearTimeout(hold);
          this.waiters.delete(waiter);
          if (this.waiters.size === 0) this.stopRecheck();
          resolve(stamp);
        },
      };
      const hold = setTimeout(() => waiter.settle(this.current()), Math.min(holdMs, MAX_STAMP_HOLD_MS));
      hold.unref();
      this.waiters.add(waiter);
      if (this.recheck === undefined) {
        this.recheck = setInterval(() => this.changed(), this.recheckMs);
        this.recheck.unref();
      }
    });
  }

  /** Answers every waiter with the stamp now; later waits answer at once. */
  close(): void {
    this.closed = true;
    const now = this.current();
    for (const waiter of [...this.waiters]) waiter.settle(now);
    this.stopRecheck();
  }

  private stopRecheck(): void {
    if (this.recheck !== undefined) clearInterval(this.recheck);
    this.recheck = undefined;
  }
}

/** Longest stamp a watch may name (stamps are short: process, versions, partitions). */
const maxKnownStampLength = 1_024;

/**
 * Answers a stamp watch's JSON body `{ known_stamp, hold_ms }` (see `PeerStamps`) with `{ stamp }`:
 * a `known_stamp` that is not a short string counts as none, and `hold_ms` is clamped to
 * [0, MAX_STAMP_HOLD_MS], so a malformed watch is answered at once rather than refused.
 */
export async function answerStampWatch(feed: StampFeed, body: unknown): Promise<{ readonly stamp: string | null }> {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const known = fields[KNOWN_STAMP_FIELD];
  const hold = fields[HOLD_MS_FIELD];
  const knownStamp = typeof known === 'string' && known.length <= maxKnownStampLength ? known : null;
  const holdMs = typeof hold === 'number' && Number.isFinite(hold) ? Math.min(Math.max(hold, 0), MAX_STAMP_HOLD_MS) : 0;
  return { stamp: await feed.wait(knownStamp, holdMs) };
}
