import { PlatformError, errorMessage, type PlatformErrorOptions } from '@platform/common';
import type { ErrorMapping } from '@platform/nest-platform';
import { FilterSyntaxError, InvalidCursorError, InvalidMetadataError, InvalidPageSizeError, InvalidSubjectError, MessageNotResendableError, SizeLimitError } from '@platform/chat-domain';

/** Base of the communication app's errors; `status` is the HTTP status an endpoint answers with. */
export class CommunicationError extends PlatformError {
  constructor(
    message: string,
    readonly status: number,
    options: PlatformErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** An unknown conversation, message, channel or tag: 404. */
export class NotFoundError extends CommunicationError {
  constructor(message: string) {
    super(message, 404);
  }
}

/** A request the current state refuses (e.g. sending through a disconnected channel): 400. */
export class BadRequestError extends CommunicationError {
  constructor(message: string) {
    super(message, 400);
  }
}

/** The state needed is restoring, rebalancing, not up to a position or its owner is unreachable: 503 + Retry-After. */
export class UnavailableError extends CommunicationError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, 503, { ...options, retriable: true });
  }
}

/** A write the store did not apply in time (the write itself is in Kafka and will be applied): 503 + Retry-After. */
export class NotAppliedError extends UnavailableError {}

/**
 * HTTP status and `{ message }` of the errors the communication endpoints meet: the app's own and the
 * chat domain's (naming the field they concern), and retriable platform errors (503). `undefined` for
 * anything else, which the platform's exception filter answers (500 `internal error`, logged).
 */
export function errorStatus(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof CommunicationError) return { status: error.status, message: error.message };
  if (error instanceof FilterSyntaxError) return { status: 400, message: `filters: ${error.message}` };
  if (error instanceof InvalidCursorError) return { status: 400, message: `cursor: ${error.message}` };
  if (error instanceof InvalidPageSizeError) return { status: 400, message: error.message };
  if (error instanceof InvalidMetadataError || error instanceof InvalidSubjectError) return { status: 400, message: `data: ${error.message}` };
  if (error instanceof MessageNotResendableError) return { status: 409, message: error.message };
  if (error instanceof SizeLimitError) return { status: 413, message: error.message };
  // e.g. a write the broker refused for now (ChatWriter's WriteError with retriable set)
  if (error instanceof PlatformError && error.retriable) return { status: 503, message: `${errorMessage(error)}; retry later` };
  return undefined;
}

/** The platform's error mapping for this app: `errorStatus`, with `Retry-After` on a 503. */
export function communicationErrorMapping(retryAfterSeconds: number): ErrorMapping {
  return (error) => {
    const answer = errorStatus(error);
    if (answer === undefined) return undefined;
    return answer.status === 503 ? { ...answer, headers: { 'Retry-After': String(retryAfterSeconds) } } : answer;
  };
}
