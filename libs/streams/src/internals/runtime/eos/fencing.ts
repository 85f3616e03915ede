/** Kafka error types meaning another producer with the same transactional id took over. */
const FENCING_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);
/** PRODUCER_FENCED (newer brokers); kafkajs 2.2.4 has no name for it. */
const PRODUCER_FENCED_CODE = 90;

/**
 * True when `error` (or anything it wraps: `cause`, kafkajs' `originalError`, retry `errors`)
 * says this producer was fenced, i.e. a newer instance owns the task.
 */
export function isFencingError(error: unknown, depth = 0): boolean {
  if (depth > 8 || typeof error !== 'object' || error === null) return false;
  const e = error as { type?: unknown; code?: unknown; name?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && FENCING_TYPES.has(e.type)) return true;
  if (e.code === PRODUCER_FENCED_CODE || e.name === 'ProducerFencedError') return true;
  if (isFencingError(e.cause, depth + 1) || isFencingError(e.originalError, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((inner) => isFencingError(inner, depth + 1));
}
