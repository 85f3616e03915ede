import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { ConfigError } from './errors';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface ExternalKafkaConfig {
  brokers: string[];
  /** TLS towards the brokers; `caFile` adds a CA to trust (PEM). */
  tls?: { caFile?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface ExternalRegistryConfig {
  /** Confluent-compatible base URL (for Apicurio: …/apis/ccompat/v7). */
  url: string;
  auth?: { username: string; password: string };
}

/** What the environment says about an already running Kafka and registry; absent parts are started locally. */
export interface ClientConfig {
  kafka?: ExternalKafkaConfig;
  registry?: ExternalRegistryConfig;
}

type Env = Record<string, string | undefined>;

const mechanisms: SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
const truthy = (value: string | undefined) => value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
const falsy = (value: string | undefined) => value !== undefined && ['0', 'false', 'no', 'off'].includes(value.toLowerCase());

function kafkaFromEnv(env: Env): ExternalKafkaConfig | undefined {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) return undefined;
  const bad = brokers.find((b) => !/^[^\s:]+:\d+$/.test(b));
  if (bad) throw new ConfigError(`KAFKA_BROKERS entry "${bad}" is not host:port — use e.g. KAFKA_BROKERS=broker1:9092,broker2:9092`);
  const config: ExternalKafkaConfig = { brokers };
  if (truthy(env.KAFKA_TLS) || env.KAFKA_TLS_CA_FILE) {
    config.tls = { rejectUnauthorized: !falsy(env.KAFKA_TLS_REJECT_UNAUTHORIZED), ...(env.KAFKA_TLS_CA_FILE ? { caFile: env.KAFKA_TLS_CA_FILE } : {}) };
  }
  if (env.KAFKA_SASL_MECHANISM) {
    const mechanism = env.KAFKA_SASL_MECHANISM.toLowerCase() as SaslMechanism;
    if (!mechanisms.includes(mechanism)) {
      throw new ConfigError(`KAFKA_SASL_MECHANISM "${env.KAFKA_SASL_MECHANISM}" is not supported — use one of ${mechanisms.join(', ')}`);
    }
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
      throw new ConfigError('KAFKA_SASL_MECHANISM is set without KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD — set both');
    }
    config.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
  } else if (env.KAFKA_SASL_USERNAME) {
    throw new ConfigError('KAFKA_SASL_USERNAME is set without KAFKA_SASL_MECHANISM — set it to plain, scram-sha-256 or scram-sha-512');
  }
  return config;
}

function registryFromEnv(env: Env): ExternalRegistryConfig | undefined {
  const url = env.SCHEMA_REGISTRY_URL?.trim();
  if (!url) return undefined;
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new ConfigError(`SCHEMA_REGISTRY_URL "${url}" is not an http(s) URL — use e.g. http://127.0.0.1:8080/apis/ccompat/v7`);
  }
  const config: ExternalRegistryConfig = { url: url.replace(/\/+$/, '') };
  if (env.SCHEMA_REGISTRY_USERNAME || env.SCHEMA_REGISTRY_PASSWORD) {
    if (!env.SCHEMA_REGISTRY_USERNAME || !env.SCHEMA_REGISTRY_PASSWORD) {
      throw new ConfigError('set both SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD for registry basic auth, or neither');
    }
    config.auth = { username: env.SCHEMA_REGISTRY_USERNAME, password: env.SCHEMA_REGISTRY_PASSWORD };
  }
  return config;
}

/**
 * Reads the variables that point at an external Kafka / registry (documented in infrastructure/README.md).
 * Pure: pass the environment in. Throws a one-line ConfigError on inconsistent settings.
 */
export function kafkaClientConfigFromEnv(env: Env): ClientConfig {
  return { kafka: kafkaFromEnv(env), registry: registryFromEnv(env) };
}

/** kafkajs connection settings (brokers, ssl, sasl) for an external cluster; reads the CA file if one is given. */
export function kafkaJsConnection(config: ExternalKafkaConfig, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  const connection: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> = { brokers: config.brokers };
  if (config.tls) {
    connection.ssl = { rejectUnauthorized: config.tls.rejectUnauthorized, ...(config.tls.caFile ? { ca: [readFile(config.tls.caFile)] } : {}) };
  }
  if (config.sasl) connection.sasl = config.sasl as SASLOptions;
  return connection;
}
