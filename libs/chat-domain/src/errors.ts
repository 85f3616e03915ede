import { PlatformError, type PlatformErrorOptions } from '@platform/common';

/**
 * Base of every error raised by the chat domain. None of them is retriable: they all describe
 * bad input (an unparsable filter, a forged cursor, a malformed metadata key) or a rule of the
 * model (only a FAILED message can be resent). Adapters map them to 400 / 409 responses.
 */
export class ChatDomainError extends PlatformError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** A `conversations.list` filter that cannot be parsed; `position` is the 0-based offset in the query. */
export class FilterSyntaxError extends ChatDomainError {
  readonly position: number;
  readonly query: string;
  /** The message without the position suffix, for clients that render the position themselves. */
  readonly reason: string;

  constructor(reason: string, position: number, query: string) {
    super(`${reason} at position ${position}`);
    this.reason = reason;
    this.position = position;
    this.query = query;
  }
}

/** A pagination cursor this library did not issue (or a negative/non-numeric offset). */
export class InvalidCursorError extends ChatDomainError {
  constructor(readonly cursor: string) {
    super(`invalid cursor "${cursor}"`);
  }
}

/** A metadata subject that is not `<kind>:<id>` with a known kind. */
export class InvalidSubjectError extends ChatDomainError {}

/** A dotted metadata key with an empty segment, or a value that does not match its declared type. */
export class InvalidMetadataError extends ChatDomainError {}

/** `messages.resend` on a message that is not FAILED (Airy answers 409). */
export class MessageNotResendableError extends ChatDomainError {
  constructor(readonly messageId: string, readonly deliveryState: string) {
    super(`message ${messageId} is ${deliveryState.toLowerCase()}; only failed messages can be resent`);
  }
}

/** A `page_size` that is not an integer between 1 and the configured maximum. */
export class InvalidPageSizeError extends ChatDomainError {
  constructor(readonly pageSize: unknown, readonly maxPageSize: number) {
    super(`page_size must be an integer between 1 and ${maxPageSize}`);
  }
}
