import * as path from 'node:path';
import { kafkaClientConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig } from '@platform/infra-kafka';
import type { LogLevel } from '@platform/common';
import { AdminConfigError } from './errors';
import { ADMIN_APPLICATION_ID } from './streams/stores';

/** Everything the admin app needs, read once from the environment by main.ts. */
export interface AdminConfig {
  readonly port: number;
  readonly host: string;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  /** Prefix of every topic name (`TOPICS_NAMESPACE`), none by default. */
  readonly topicsNamespace?: string;
  readonly stateDir: string;
  /** `host:port` other replicas use to reach this one (forwarded queries and list gathering). */
  readonly applicationServer: string;
  readonly appVersion: number;
  /**
   * Streams application id: `admin`, or `<TOPICS_NAMESPACE>.admin` in a namespace, so deployments
   * sharing a cluster never share a consumer group, state or internal topics (`<id>-v<version>-…`).
   */
  readonly applicationId: string;
  readonly auth: { readonly systemToken: string; readonly jwtSecret: string };
  readonly logLevel: LogLevel;
  /** How long a write waits for its own store before answering 503 (default 10 s). */
  readonly writeTimeoutMs: number;
  /**
   * Streams commit interval (default 200 ms). A write answers once its store has committed it, so
   * this bounds the write latency; admin traffic is small, so frequent commits are cheap.
   */
  readonly commitIntervalMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Pure: parses the environment (pass `process.env`) or throws one AdminConfigError naming the variable. */
export function parseAdminConfig(env: Env): AdminConfig {
  let client;
  try {
    client = kafkaClientConfigFromEnv(env as Record<string, string | undefined>);
  } catch (error) {
    throw new AdminConfigError((error as Error).message, { cause: error });
  }
  if (!client.kafka) throw new AdminConfigError('KAFKA_BROKERS is required (comma-separated host:port)');
  if (!client.registry) throw new AdminConfigError('SCHEMA_REGISTRY_URL is required (Confluent-compatible base URL)');
  const host = text(env.HOST) ?? '127.0.0.1';
  const port = integer(env, 'PORT', 3000, 1, 65535);
  const systemToken = text(env.AUTH_SYSTEM_TOKEN);
  const jwtSecret = text(env.AUTH_JWT_SECRET);
  if (!systemToken) throw new AdminConfigError('AUTH_SYSTEM_TOKEN is required (the API answers 401 without a token)');
  if (!jwtSecret) throw new AdminConfigError('AUTH_JWT_SECRET is required (signs and verifies user JWTs)');
  const logLevel = (text(env.LOG_LEVEL) ?? 'info').toLowerCase() as LogLevel;
  if (!logLevels.includes(logLevel)) throw new AdminConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${env.LOG_LEVEL}"`);
  const applicationServer = text(env.APPLICATION_SERVER) ?? `${host}:${port}`;
  if (!/^[^\s:]+:\d+$/.test(applicationServer)) throw new AdminConfigError(`APPLICATION_SERVER must be host:port, not "${applicationServer}"`);
  const namespace = text(env.TOPICS_NAMESPACE);
  return {
    port,
    host,
    kafka: client.kafka,
    registry: client.registry,
    ...(namespace ? { topicsNamespace: namespace } : {}),
    stateDir: path.resolve(text(env.STATE_DIR) ?? path.join('.data', 'state', 'admin')),
    applicationServer,
    appVersion: integer(env, 'APP_VERSION', 1, 1, 1_000_000),
    applicationId: namespace ? `${namespace}.${ADMIN_APPLICATION_ID}` : ADMIN_APPLICATION_ID,
    auth: { systemToken, jwtSecret },
    logLevel,
    writeTimeoutMs: integer(env, 'WRITE_TIMEOUT_MS', 10_000, 100, 600_000),
    commitIntervalMs: integer(env, 'COMMIT_INTERVAL_MS', 200, 10, 60_000),
  };
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new AdminConfigError(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  return value;
}
