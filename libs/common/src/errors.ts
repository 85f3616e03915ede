/**
 * Root of every error hierarchy in the platform. Each library derives its own base class
 * from this one (e.g. `StreamsError`, `TopicsError`), so callers can branch on `retriable`
 * without knowing the library.
 */
export interface PlatformErrorOptions {
  /** True when the same operation may succeed if attempted again (e.g. a broker not yet reachable). */
  retriable?: boolean;
  cause?: unknown;
}

export class PlatformError extends Error {
  readonly retriable: boolean;
  override readonly cause: unknown;

  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.cause = options.cause;
  }
}

/** Message of any thrown value, for logs and dead-letter records. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
