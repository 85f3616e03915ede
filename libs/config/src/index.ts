// Public API of @platform/config: how deployables read their configuration — environment parsing (one
// reader per kind of value, one-line errors naming the variable) and the Kafka / schema registry
// connection settings, with kafkajs's logs mapped onto ours. Nothing here starts or needs a local JVM.
export { ConfigError } from './errors';
export { envText, envInteger, envRequired, envLogLevel, envProducePath, envFetchPath, envStreamThreads, serviceConfigFromEnv, rethrowConfigError } from './service-config';
export type { ServiceConfig, ServiceConfigOptions, StreamsProducePath, StreamsFetchPath } from './service-config';
export { kafkaClientConfigFromEnv, kafkaJsConnection } from './kafka-connection';
export type { ClientConfig, ExternalKafkaConfig, ExternalRegistryConfig, SaslMechanism } from './kafka-connection';
export { kafkaJsLogging, kafkaJsLogLevel } from './kafkajs-logs';
export { freePort } from './free-port';
