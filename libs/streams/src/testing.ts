// Public test entry point of @platform/streams: the topology test driver.
export { TopologyTestDriver } from './internals/driver/test-driver';
export type { TopologyTestDriverOptions } from './internals/driver/test-driver';
export { TestInputTopic, TestOutputTopic } from './internals/driver/test-topics';
export type { TestRecord, OutputRecord } from './internals/driver/test-topics';
