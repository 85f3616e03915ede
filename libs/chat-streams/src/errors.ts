import { PlatformError, type PlatformErrorOptions } from '@platform/common';

/** Base of every error of @platform/chat-streams. */
export class ChatStreamsError extends PlatformError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, options);
  }
}

/** A record cannot be placed: its partition key cannot be derived (e.g. message metadata without its conversation). */
export class PartitioningError extends ChatStreamsError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** A write to a chat topic failed (broker, registry or serialization). */
export class WriteError extends ChatStreamsError {
  constructor(
    message: string,
    readonly topic: string,
    options: PlatformErrorOptions = {},
  ) {
    super(message, options);
  }
}
