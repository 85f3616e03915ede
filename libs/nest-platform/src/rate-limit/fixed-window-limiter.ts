import { PlatformConfigError } from '../errors';

export interface FixedWindowOptions {
  /** Requests allowed per key and window. */
  readonly limit: number;
  readonly windowMs: number;
  /**
   * Most keys remembered at once (default 100,000: a few MB). When full, the key seen least recently is
   * forgotten, so spraying addresses costs the attacker memory-bounded evictions, never our heap.
   */
  readonly maxKeys?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Window {
  readonly start: number;
  count: number;
}

/**
 * A fixed-window counter per key: at most `limit` takes per key in each `windowMs` window, the window
 * starting at the key's first take. Keys live in a Map kept in recency order (a take re-inserts its key),
 * capped at `maxKeys` by dropping the least recent. Hand-written: no rate limiter is in the dependency
 * tree, and the usual in-memory stores (`@nestjs/throttler`, `rate-limiter-flexible`'s memory store)
 * bound keys by time only, not by count.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: FixedWindowOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new PlatformConfigError(`rate limit must be a positive integer, got ${options.limit}`);
    if (!Number.isInteger(options.windowMs) || options.windowMs < 1) throw new PlatformConfigError(`rate limit window must be a positive integer of ms, got ${options.windowMs}`);
    this.maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new PlatformConfigError(`rate limit maxKeys must be a positive integer, got ${this.maxKeys}`);
    this.now = options.now ?? Date.now;
  }

  /** Counts one request of `key`; refused (with the seconds until its window ends) over the limit. */
  take(key: string): TakeResult {
    const now = this.now();
    let window = this.windows.get(key);
    if (window !== undefined) this.windows.delete(key);
    if (window === undefined || now - window.start >= this.options.windowMs) window = { start: now, count: 0 };
    this.windows.set(key, window);
    if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
    if (window.count >= this.options.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000)) };
    }
    window.count++;
    return { allowed: true };
  }

  /** Keys remembered now (≤ maxKeys). */
  get size(): number {
    return this.windows.size;
  }
}
