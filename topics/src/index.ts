export type { TopicDeclaration, TopicKind, TopicValue, CleanupPolicy } from './declaration';
export { topicKinds } from './declaration';
export { allTopics, communicationTopics, sourceTopics, opsTopics } from './declarations';
export { DEFAULT_MAX_MESSAGE_BYTES, RAW_EVENTS_MAX_MESSAGE_BYTES } from './declarations/defaults';
export { topicName } from './topic-name';
export { validateDeclarations, assertValidDeclarations } from './validate';
export { describeTopics, topicConfigs } from './describe';
export type { ResolvedTopic, DescribeOptions } from './describe';
export { applyTopics } from './apply';
export type { ApplyOptions } from './apply';
export { isClean, reportToJson } from './report';
/** Declared vs live topic configs (DescribeConfigs entries): what `applyTopics` reports as drift, for read-only inspection (apps/cli). */
export { configDrift } from './internals/drift';
export type { ApplyReport, ConfigDrift, PartitionDrift, CoPartitionMismatch } from './report';
export { TopicsError, InvalidDeclarationError, PartitionShrinkError, TopicOperationError } from './errors';
