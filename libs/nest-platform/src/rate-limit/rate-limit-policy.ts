import type { AddressedRequest } from '../client-address';
import { FixedWindowLimiter, type TakeResult } from './fixed-window-limiter';
import { TooManyRequestsException } from './rate-limit.exception';

/** What a rule's key function sees: headers, socket and (on HTTP routes) the parsed, not yet validated body. */
export interface RateLimitedRequest extends AddressedRequest {
  readonly body?: unknown;
}

export interface RateLimitRule {
  /** Names what is limited in the 429 message, e.g. `ip` or `channel`. */
  readonly scope: string;
  /** Requests allowed per key and window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Most keys remembered (default 100,000); the least recent is forgotten beyond it. */
  readonly maxKeys?: number;
  /** The request's key in this scope (e.g. its client address); undefined: the rule does not apply. */
  readonly key: (req: RateLimitedRequest) => string | undefined | Promise<string | undefined>;
}

export type RateLimitVerdict = TakeResult & { readonly scope?: string };

/** Keys longer than this are cut (a key comes from the request; memory per key stays bounded). */
const maxKeyLength = 256;

/**
 * Several limits applied together (e.g. per client address and per channel): a request is refused as
 * soon as one of them is exhausted. Each rule keeps its own bounded fixed-window counters.
 */
export class RateLimitPolicy {
  private readonly limiters: ReadonlyArray<{ readonly rule: RateLimitRule; readonly limiter: FixedWindowLimiter }>;

  constructor(rules: readonly RateLimitRule[], now?: () => number) {
    this.limiters = rules.map((rule) => ({
      rule,
      limiter: new FixedWindowLimiter({ limit: rule.limit, windowMs: rule.windowMs, ...(rule.maxKeys !== undefined ? { maxKeys: rule.maxKeys } : {}), ...(now ? { now } : {}) }),
    }));
  }

  /** Counts the request against every rule that applies; the first refusal wins. */
  async check(req: RateLimitedRequest): Promise<RateLimitVerdict> {
    for (const { rule, limiter } of this.limiters) {
      const key = await rule.key(req);
      if (key === undefined) continue;
      const result = limiter.take(key.length > maxKeyLength ? key.slice(0, maxKeyLength) : key);
      if (!result.allowed) return { ...result, scope: rule.scope };
    }
    return { allowed: true };
  }

  /** `check`, throwing the 429 `TooManyRequestsException` (with Retry-After) on refusal. */
  async enforce(req: RateLimitedRequest): Promise<void> {
    const verdict = await this.check(req);
    if (!verdict.allowed) throw new TooManyRequestsException(rateLimitMessage(verdict.scope), verdict.retryAfterSeconds);
  }
}

export function rateLimitMessage(scope: string | undefined): string {
  return `too many requests${scope === undefined ? '' : ` for this ${scope}`}, retry later`;
}
