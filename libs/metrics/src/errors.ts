import { PlatformError } from '@platform/common';

/**
 * Programming errors of the metrics library: an invalid metric or label name, a conflicting
 * registration, a negative counter increment, a wrong label set, a failing collect callback.
 * Never retriable: the same call fails the same way.
 */
export class MetricsError extends PlatformError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
  }
}
