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
export { applicationKey, internalTopicName, deadLetterTopicName, parseTaskId } from './internals/topology/names';
/** The producer's default partition for key bytes (murmur2, as kafkajs and the Java client): where `metadataForKey` looks. */
export { partitionForKey } from './internals/partitioning/murmur2';
export type { ApplicationIdentity } from './internals/topology/names';

// --- topology, DSL, serdes (owned by the DSL work) ---
export { StreamsError, TopologyError, ProcessorContextError, StoreError, StateDirectoryLockedError } from './errors';
export { Topology } from './internals/topology/topology';
export type { SourceOptions, SinkOptions, TopicInput } from './internals/topology/topology';
export { Stores } from './internals/topology/stores';
export type { KeyValueStoreOptions } from './internals/topology/stores';
export type {
  TopologySpec,
  TopicRef,
  NodeSpec,
  SourceNodeSpec,
  ProcessorNodeSpec,
  SinkNodeSpec,
  StoreSpec,
  ChangelogSpec,
  SubtopologySpec,
  RepartitionTopicSpec,
  Partitioner,
} from './internals/topology/spec';
export { Serdes, SerdeError } from './serdes/serdes';
export { StreamsBuilder } from './dsl/streams-builder';
export type { ConsumedOptions, TableOptions } from './dsl/streams-builder';
export { KStream } from './dsl/kstream';
export type { ProducedOptions, ProcessOptions } from './dsl/kstream';
export { KTable } from './dsl/ktable';
export { KGroupedStream } from './dsl/grouped';
export type { GroupedOptions, AggregateOptions, CountOptions, ReduceOptions } from './dsl/grouped';
export { BranchedKStream } from './dsl/branched';
export type { Named } from './dsl/context';
export type { RepartitionOptions } from './dsl/repartition';
export type { StreamJoinOptions } from './dsl/stream-table-join';
export type { TableJoinOptions } from './dsl/table-table-join';

// --- runtime: application, state stores, assignment (owned by the runtime work) ---
export { StreamsApplication } from './application';
export type {
  StreamsApplicationOptions,
  ProcessingGuarantee,
  ThreadTopology,
  ThreadTopologyResult,
  StreamThreadContext,
  ThreadFailureHandling,
} from './internals/runtime/options';
export { StreamThreadError } from './internals/threads/stream-thread';
export type { CompressionName } from './internals/compression/codecs';
export { CompressionConfigError } from './internals/compression/errors';
export { ProduceError } from './internals/client/errors';
export type { ProducePath } from './internals/client/output-producer';
export type { FetchPath } from './internals/client/input-fetcher';
export { registerKafkaJsCodecs } from './internals/compression/kafkajs-codecs';
export type { StreamsState, StateListener } from './internals/runtime/lifecycle';
export type { StreamsEvents, StreamsEventName, RestoreProgress } from './internals/runtime/events';
export type { StreamsMetadata } from './internals/runtime/metadata';
// --- interactive queries (owned by the IQ work) ---
export type {
  KeyMetadata,
  KeyQueryOptions,
  KeyQueryResult,
  ListQueryResult,
  QueryFailure,
  QueryFailureReason,
  QueryPosition,
  RestoreStatus,
} from './internals/query/query-result';
export { isRetriable } from './internals/query/query-result';
export type { ListQueryOptions } from './internals/query/interactive-queries';
export { gatherFromAllOwners, ownerEndpoints, partitionCoverage, describeCoverage } from './internals/query/gather';
export type { GatherResult, GatherOptions, OwnerResult } from './internals/query/gather';
export type { TopicPartitions } from './internals/assignment/protocol';
export { CopartitionError } from './internals/assignment/copartition';
export {
  MissingSourceTopicError,
  InternalTopicMismatchError,
  ProcessingError,
  ProductionError,
  IllegalStateError,
  DeserializationError,
  RecordProductionError,
} from './internals/runtime/errors';
export type { TaskFailureHandling, IsolatedTask } from './internals/runtime/task-isolation';
export { BROKER_DEFAULT_MAX_MESSAGE_BYTES } from './internals/runtime/topic-limits';
export type { ExceptionHandler, ExceptionHandlerDecision, FailedRecord, FailureStage } from './internals/runtime/exception-handlers';
export { DEAD_LETTER_HEADERS } from './internals/runtime/dead-letter';
