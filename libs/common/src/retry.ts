import { PlatformError } from './errors';

/** Exponential backoff with jitter. The one retry module of the platform. */
export interface RetryOptions {
  /** Attempts after the first one. */
  retries: number;
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: fraction of each delay that is randomised. */
  jitter?: number;
  /** Decides whether an error is worth another attempt; defaults to `PlatformError.retriable`, else true. */
  isRetriable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultRetryOptions: RetryOptions = { retries: 5, initialMs: 100, maxMs: 5000, factor: 2, jitter: 0.2 };

export class RetriesExhaustedError extends PlatformError {
  constructor(readonly attempts: number, cause: unknown) {
    super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * Math.pow(options.factor, attempt));
  const jitter = options.jitter ?? 0;
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

/**
 * Runs `operation` until it succeeds, the error is not retriable, or retries run out.
 * `bail(error)` inside the operation stops at once with that error.
 */
export async function retry<T>(
  operation: (attempt: number, bail: (error: unknown) => never) => Promise<T>,
  options: RetryOptions = defaultRetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const isRetriable =
    options.isRetriable ?? ((e: unknown) => (e instanceof PlatformError ? e.retriable : true));
  let bailed: { error: unknown } | undefined;
  const bail = (error: unknown): never => {
    bailed = { error };
    throw error;
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt, bail);
    } catch (error) {
      if (bailed) throw bailed.error;
      if (!isRetriable(error)) throw error;
      if (attempt >= options.retries) throw new RetriesExhaustedError(attempt + 1, error);
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
