import type { KafkaMessage } from 'kafkajs';
import type { RecordCollector } from '../task/contract';
import { sendToDeadLetter, type FailedRecord, type FailureStage } from './dead-letter';

export type { FailedRecord, FailureStage } from './dead-letter';

/** What a custom handler decides for a record that failed. */
export type ExceptionHandlerDecision = 'continue' | 'fail';

/**
 * How the application treats a record that cannot be deserialized, processed, or whose derived
 * records cannot be produced:
 * - `'fail'` (default): the application stops in ERROR naming topic, partition and offset;
 * - `{ deadLetterTopic? }`: the original record bytes go to the dead-letter topic (default
 *   `<applicationKey>-dlq`) with headers describing the failure, and processing continues;
 * - a function: decides per record; on `'continue'` the record still goes to the dead-letter
 *   topic, so nothing is ever dropped silently.
 */
export type ExceptionHandler =
  | 'fail'
  | { readonly deadLetterTopic?: string }
  | ((failure: FailedRecord) => ExceptionHandlerDecision);

/** Counts records sent to the dead-letter topic (metrics hook). */
export type DeadLetterObserver = (failure: FailedRecord, topic: string) => void;

/** Resolved handler of one stage: `decide` returns the dead-letter topic to continue, or undefined to fail. */
interface ResolvedHandler {
  readonly deadLetterTopic: string | undefined;
  decide(failure: FailedRecord): boolean;
}

function resolve(handler: ExceptionHandler | undefined, defaultTopic: string): ResolvedHandler {
  if (handler === undefined || handler === 'fail') return { deadLetterTopic: undefined, decide: () => false };
  if (typeof handler === 'function') return { deadLetterTopic: defaultTopic, decide: (f) => handler(f) === 'continue' };
  const topic = handler.deadLetterTopic ?? defaultTopic;
  return { deadLetterTopic: topic, decide: () => true };
}

/**
 * Applies the configured handlers. A record the handler lets through is written, as the bytes it
 * had on the input topic, to the dead-letter topic through the task's own collector, so it is
 * flushed (or committed in the task's transaction) before the input offsets that skip it.
 */
export class PoisonRecordPolicy {
  private readonly handlers: Record<FailureStage, ResolvedHandler>;

  constructor(
    options: { deserialization?: ExceptionHandler; processing?: ExceptionHandler; production?: ExceptionHandler; defaultTopic: string },
    private readonly observe: DeadLetterObserver = () => undefined,
  ) {
    this.handlers = {
      deserialization: resolve(options.deserialization, options.defaultTopic),
      processing: resolve(options.processing, options.defaultTopic),
      production: resolve(options.production, options.defaultTopic),
    };
  }

  /** `max.message.bytes` of the dead-letter topics (a record that would not fit goes without its value). */
  limits: ((topic: string) => number | undefined) | undefined;

  /** Dead-letter topics the application must create. */
  get deadLetterTopics(): string[] {
    return [...new Set(Object.values(this.handlers).flatMap((h) => (h.deadLetterTopic ? [h.deadLetterTopic] : [])))];
  }

  /** True when the record was dead-lettered and processing may continue; false to fail. */
  handle(
    stage: FailureStage,
    collector: RecordCollector,
    where: { taskId: string; topic: string; partition: number },
    message: KafkaMessage,
    error: unknown,
  ): boolean {
    const handler = this.handlers[stage];
    const failure: FailedRecord = { stage, ...where, offset: message.offset, message, error };
    let decision: boolean;
    try {
      decision = handler.deadLetterTopic !== undefined && handler.decide(failure);
    } catch {
      decision = false;
    }
    if (!decision || handler.deadLetterTopic === undefined) return false;
    sendToDeadLetter(collector, handler.deadLetterTopic, failure, Date.now(), this.limits?.(handler.deadLetterTopic));
    this.observe(failure, handler.deadLetterTopic);
    return true;
  }
}
