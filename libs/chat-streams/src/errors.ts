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

/**
 * The broker could not take a write now (down, unreachable, no leader) or did not confirm it within
 * the writer's deadline: retriable, answered 503 + Retry-After. When `maybeWritten` is true (the
 * deadline passed while the produce was still in flight) the record may still land later: clients
 * retry with the same idempotency key where the endpoint has one.
 */
export class BrokerUnavailableError extends WriteError {
  constructor(
    message: string,
    topic: string,
    readonly maybeWritten: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(message, topic, { ...options, retriable: true });
  }
}
