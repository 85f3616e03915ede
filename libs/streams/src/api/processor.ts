import type { RecordMetadata, StreamRecord } from './record';
import type { KeyValueStore } from './store';

export type PunctuationType = 'stream-time' | 'wall-clock';
export type Punctuator = (timestamp: number) => void;

export interface Cancellable {
  cancel(): void;
}

/**
 * What a processor sees of its task. Valid from `init` until `close`.
 */
export interface ProcessorContext<KOut, VOut> {
  readonly applicationId: string;
  /** `<subtopology>_<partition>`, e.g. `0_3`. */
  readonly taskId: string;
  /** Sends a record to all children, or to the named child only. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  /** A store connected to this processor (declared in the topology); throws for an unknown name. */
  getStateStore<K, V>(name: string): KeyValueStore<K, V>;
  /**
   * Calls `punctuator` every `intervalMs`: in stream time (driven by record timestamps, fires only as
   * records arrive) or in wall-clock time (driven by the system clock, fires even without input).
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** Metadata of the input record being processed; undefined inside a punctuator. */
  recordMetadata(): RecordMetadata | undefined;
  /** Highest record timestamp seen by the task so far (-1 before the first record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
}

/** The processor API: a node of the topology that receives records and may forward others. */
export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

export type ProcessorSupplier<KIn, VIn, KOut = KIn, VOut = VIn> = () => Processor<KIn, VIn, KOut, VOut>;
