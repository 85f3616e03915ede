// Public API of @platform/streams. Internals stay under ./internals and are never exported wholesale.

export type { Serde, SyncSerde } from './api/serde';
export type { StreamRecord, RecordHeaders, RecordMetadata, KeyValue } from './api/record';
export type { KeyValueStore, ReadOnlyKeyValueStore } from './api/store';
export type {
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  Punctuator,
  PunctuationType,
  Cancellable,
} from './api/processor';
export { applicationKey, internalTopicName } from './internals/topology/names';
export type { ApplicationIdentity } from './internals/topology/names';

// --- topology, DSL, serdes (owned by the DSL work) ---

// --- runtime: application, state stores, assignment (owned by the runtime work) ---
