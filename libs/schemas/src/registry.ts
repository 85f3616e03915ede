import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

/** The registry client used by {@link avroSerde}; one per process is enough (it caches schemas by id). */
export type SchemaRegistryClient = SchemaRegistry;

export interface SchemaRegistryConfig {
  /** Base URL of a Confluent-compatible API, e.g. http://registry:8080/apis/ccompat/v7 for Apicurio. */
  url: string;
  clientId?: string;
  auth?: { username: string; password: string };
}

/** Builds a registry client from explicit config (libraries never read the environment). */
export function createSchemaRegistry(config: SchemaRegistryConfig): SchemaRegistryClient {
  return new SchemaRegistry({
    host: config.url,
    ...(config.clientId ? { clientId: config.clientId } : {}),
    ...(config.auth ? { auth: config.auth } : {}),
  });
}
