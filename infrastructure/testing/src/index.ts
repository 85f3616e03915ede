export { kafkaBrokers, registryUrl } from './env';
export { uniqueName } from './unique-name';
export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { newKafka, createTopic } from './kafka';
export type { CreateTopicOptions } from './kafka';
export { VISITOR_QUEUE, VisitorSocket } from './visitor-socket';
export type { VisitorFrame } from './visitor-socket';
