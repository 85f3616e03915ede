/**
 * Whether a failed produce means "the broker cannot take writes right now" (down, unreachable, no
 * leader, timing out) rather than a problem with the record. kafkajs marks such errors `retriable`;
 * once its own retries are spent it throws `KafkaJSNumberOfRetriesExceeded` (not retriable itself)
 * whose cause is the last retriable error, so the whole cause chain is looked at.
 */
const unavailableNames: ReadonlySet<string> = new Set([
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

/** At most this many causes are followed (a cycle of causes cannot loop). */
const maxCauseDepth = 8;

interface ErrorLike {
  readonly name?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

export function isBrokerUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < maxCauseDepth && typeof current === 'object' && current !== null; depth++) {
    const e = current as ErrorLike;
    if (e.retriable === true) return true;
    if (typeof e.name === 'string' && unavailableNames.has(e.name)) return true;
    current = e.cause ?? e.originalError;
  }
  return false;
}
