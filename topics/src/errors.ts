import { PlatformError, PlatformErrorOptions } from '@platform/common';

/** Root of the topics library's errors. */
export class TopicsError extends PlatformError {
  constructor(
    message: string,
    /** Resolved topic name, when the error concerns one topic. */
    readonly topic?: string,
    options: PlatformErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** Declarations break a rule (name pattern, entity topic not compacted, co-partition counts…). */
export class InvalidDeclarationError extends TopicsError {
  constructor(readonly issues: string[]) {
    super(`invalid topic declarations:\n${issues.map((issue) => `- ${issue}`).join('\n')}`);
  }
}

/** The live topic has more partitions than declared; Kafka cannot shrink partitions, so nothing is done. */
export class PartitionShrinkError extends TopicsError {
  constructor(
    topic: string,
    readonly declared: number,
    readonly actual: number,
  ) {
    super(
      `topic ${topic} has ${actual} partitions but is declared with ${declared}: Kafka cannot reduce partitions, ` +
        `so it was left as is. Declare ${actual} partitions, or migrate to a new topic by hand.`,
      topic,
    );
  }
}

/** A broker operation failed (create, describe, alter, grow); `retriable` follows the Kafka error. */
export class TopicOperationError extends TopicsError {
  constructor(
    readonly operation: 'list' | 'create' | 'describe' | 'alter-configs' | 'create-partitions',
    topic: string | undefined,
    cause: unknown,
  ) {
    super(`${operation} failed${topic ? ` for ${topic}` : ''}: ${cause instanceof Error ? cause.message : String(cause)}`, topic, {
      cause,
      retriable: Boolean((cause as { retriable?: unknown } | undefined)?.retriable),
    });
  }
}
