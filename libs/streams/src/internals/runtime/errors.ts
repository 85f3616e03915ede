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

/**
 * A record derived from the input record being processed (a sink output, a changelog record of a
 * store write, a repartition record) cannot be produced: it is larger than its topic's
 * `max.message.bytes`, or its serializer threw. Raised synchronously where the record is handed
 * over, so the productionExceptionHandler decides about the input record.
 */
export class RecordProductionError extends StreamsError {
  constructor(
    readonly topic: string,
    readonly kind: 'too-large' | 'serialization',
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? {} : { cause });
  }

  static tooLarge(topic: string, bytes: number, limit: number): RecordProductionError {
    return new RecordProductionError(topic, 'too-large', `record of ${bytes} bytes for ${topic} exceeds max.message.bytes ${limit}`);
  }

  static serialization(topic: string, cause: unknown): RecordProductionError {
    return new RecordProductionError(topic, 'serialization', `serializing a record for ${topic} failed: ${String((cause as Error)?.message ?? cause)}`, cause);
  }
}

/** A task failed on one record more often than allowed and is isolated (its input paused). */
export class TaskIsolationError extends StreamsError {
  constructor(
    readonly taskId: string,
    readonly stage: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`task ${taskId} isolated after ${attempts} failed attempt(s) at ${topic}-${partition}@${offset}: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}
