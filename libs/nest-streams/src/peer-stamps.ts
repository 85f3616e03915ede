import type { PeerClient } from './peer-client';
import { KNOWN_STAMP_FIELD } from './held-parts';
import { HOLD_MS_FIELD, MAX_STAMP_HOLD_MS } from './stamp-feed';

/** Where a peer answers stamp watches (`StampFeed.wait` behind an internal route) and with what credentials. */
export interface StampWatchRoute {
  readonly path: string;
  readonly authorization: string;
}

interface Watch {
  /** The peer's stamp as last answered (null: it has none now); undefined until an answer came, or after a failed call. */
  stamp: string | null | undefined;
  lastUsed: number;
  /** When the held call in flight was sent (undefined: none held): an answer overdue past the hold means "unknown". */
  heldSince: number | undefined;
}

/** A watch nobody asked about for this long stops (the peer left, or lists stopped). */
const idleStopMs = 30_000;
/** Pause after a failed watch call before the next. */
const retryMs = 1_000;
/** How long a peer may hold a watch call (one call per peer and second while nothing changes). */
const defaultHoldMs = 1_000;
/** Lateness of a held call's answer (the peer's timer, the hop back) before the stamp counts as unknown. */
const answerGraceMs = 250;

/**
 * The asking side of stamp watches: one held call at a time per (peer, route) keeps the peer's current
 * stamp known here, so a gather whose held part carries that stamp needs no call at all. What it knows
 * trails the peer by the time a change takes to arrive (one loopback hop in a cluster), as a list
 * already trails the topics it is built from; unknown (never answered, failed, stopped) means "ask".
A peer that stops answering (frozen, cut off) is unknown once its held call is overdue: its last stamp is
used at most `holdMs` + 250 ms after the call that would have told of a change was sent.
 */
export class PeerStamps {
  private readonly watches = new Map<string, Watch>();
  private readonly pauses = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;

  constructor(
    private readonly peers: PeerClient,
    private readonly now: () => number = Date.now,
    private readonly holdMs = Math.min(defaultHoldMs, MAX_STAMP_HOLD_MS),
    private readonly callTimeoutMs = MAX_STAMP_HOLD_MS + 2_000,
  ) {}

  /** The peer's stamp as last answered, undefined when unknown; starts watching it on first use. */
  current(endpoint: string, route: StampWatchRoute): string | undefined {
    if (this.closed) return undefined;
    const key = `${endpoint}\n${route.path}`;
    const watch = this.watches.get(key);
    if (watch !== undefined) {
      const now = this.now();
      watch.lastUsed = now;
      if (watch.heldSince !== undefined && now - watch.heldSince > this.holdMs + answerGraceMs) return undefined;
      return watch.stamp ?? undefined;
    }
    const started: Watch = { stamp: undefined, lastUsed: this.now(), heldSince: undefined };
    this.watches.set(key, started);
    void this.run(key, endpoint, route, started);
    return undefined;
  }

  /** Stops every watch (their calls end with the peer client's pool). */
  close(): void {
    this.closed = true;
    this.watches.clear();
    for (const pause of [...this.pauses]) {
      clearTimeout(pause.timer);
      pause.resolve();
    }
  }

  private async run(key: string, endpoint: string, route: StampWatchRoute, watch: Watch): Promise<void> {
    while (!this.closed && this.now() - watch.lastUsed < idleStopMs) {
      const holdMs = watch.stamp === undefined ? 0 : this.holdMs;
      watch.heldSince = this.now();
      const reply = await this.peers.post<{ stamp?: unknown }>(
        endpoint,
        route.path,
        { [KNOWN_STAMP_FIELD]: watch.stamp ?? null, [HOLD_MS_FIELD]: holdMs },
        { authorization: route.authorization, timeoutMs: this.callTimeoutMs },
      );
      watch.heldSince = undefined;
      const stamp = reply.ok ? reply.body?.stamp : undefined;
      if (reply.ok && (typeof stamp === 'string' || stamp === null)) {
        watch.stamp = stamp;
        continue;
      }
      watch.stamp = undefined;
      await this.pause(retryMs);
    }
    if (this.watches.get(key) === watch) this.watches.delete(key);
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const pause = {
        timer: setTimeout(() => {
          this.pauses.delete(pause);
          resolve();
        }, ms),
        resolve,
      };
      pause.timer.unref();
      this.pauses.add(pause);
    });
  }
}
