/** How deliveries are attempted (from configuration). */
export interface DeliveryPolicy {
  /** Attempts per event and subscription before it is dead-lettered (the first attempt counts). */
  readonly maxAttempts: number;
  /** Delay before retry n (n ≥ 1): a random value in [0, min(max, base · 2^(n-1))] ("full jitter"), at least base / 2. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly connectTimeoutMs: number;
  /** From the moment the request has its connection until the answer's status line. */
  readonly requestTimeoutMs: number;
  /** Requests in flight per subscription on one replica. */
  readonly concurrencyPerSubscription: number;
  /** How often each delivery task looks for lanes whose head is due. */
  readonly dispatchIntervalMs: number;
  /** Jobs of one lane handed to the Dispatcher at once (its head and those queued behind it), sent one after the other. */
  readonly laneRunLength: number;
}

/** Delay before the retry following failed attempt `attempt` (1-based), jittered with `random` in [0, 1). */
export function retryDelayMs(policy: Pick<DeliveryPolicy, 'backoffBaseMs' | 'backoffMaxMs'>, attempt: number, random: number): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(attempt - 1, 40));
  const floor = Math.min(ceiling, policy.backoffBaseMs / 2);
  return Math.round(floor + (ceiling - floor) * random);
}
