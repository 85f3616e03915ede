import { StreamsError } from '../../errors';

/** A source topic of the topology does not exist. */
export class MissingSourceTopicError extends StreamsError {
  constructor(readonly topics: readonly string[]) {
    super(`source topics do not exist: ${topics.join(', ')}`, { retriable: true });
  }
}

/** An internal topic exists with a partition count other than the topology needs. */
export class InternalTopicMismatchError extends StreamsError {
  constructor(
    readonly topic: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`internal topic ${topic} has ${actual} partitions, expected ${expected}; reset the application`);
  }
}

/** Processing a record failed: the application stops in ERROR with this cause. */
export class ProcessingError extends StreamsError {
  constructor(
    readonly taskId: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    cause: unknown,
  ) {
    super(`processing failed in task ${taskId} at ${topic}-${partition}@${offset}: ${String((cause as Error)?.message ?? cause)}`, {
      cause,
    });
  }
}

/** Producing outputs or changelog records failed after the producer's own retries. */
export class ProductionError extends StreamsError {
  constructor(cause: unknown) {
    super(`producing failed: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

/** The application was used against its lifecycle (started twice, queried before start, ...). */
export class IllegalStateError extends StreamsError {}

/** A record of a source topic could not be deserialized: the application stops in ERROR with this cause. */
export class DeserializationError extends ProcessingError {
  constructor(taskId: string, topic: string, partition: number, offset: string, cause: unknown) {
    super(taskId, topic, partition, offset, cause);
    this.message = `deserialization failed in task ${taskId} at ${topic}-${partition}@${offset}: ${String((cause as Error)?.message ?? cause)}`;
  }
}
