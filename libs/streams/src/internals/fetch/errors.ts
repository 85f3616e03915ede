import type { PlatformErrorOptions } from '@platform/common';
import { StreamsError } from '../../errors';

/**
 * The raw fetch reader failed. `retriable` is true for leadership changes, unknown partitions and lost or
 * timed-out connections (the caller retries through its own fallback), false for protocol or data problems.
 */
export class FetchError extends StreamsError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, { retriable: options.retriable ?? false, cause: options.cause });
  }
}
