export { PlatformError, errorMessage } from './errors';
export type { PlatformErrorOptions } from './errors';
export { retry, backoffDelay, defaultRetryOptions, RetriesExhaustedError } from './retry';
export type { RetryOptions } from './retry';
export { jsonLogger, silentLogger, redactedFields, redactPaths, redactedValue } from './logger';
export type { Logger, LogLevel, LogFields, JsonLoggerOptions } from './logger';
export { sendEpochGuard, sendEpochWriter, senderAt, parseSendEpochs } from './send-epochs';
export type { SendEpoch, SendEpochs, SendGuard } from './send-epochs';
