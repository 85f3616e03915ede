/**
 * Registry failures are retriable when they are transport-level (no HTTP status, 5xx, 429);
 * 4xx answers (unknown id, invalid or incompatible schema) will not change on retry.
 */
export function isRetriableRegistryFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return !isSchemaValidationFailure(error);
  return status >= 500 || status === 429;
}

function isSchemaValidationFailure(error: object): boolean {
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && /Validation|Compatibility|InvalidSchema|Argument/.test(name);
}

export function registryFailureMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
