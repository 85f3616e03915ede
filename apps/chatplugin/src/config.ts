import * as path from 'node:path';
import { minimumSecretLength } from '@platform/auth';
import type { LogLevel } from '@platform/common';
import { kafkaClientConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig } from '@platform/infra-kafka';
import { ChatpluginConfigError } from './errors';

export interface ChatpluginConfig {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  readonly topicsNamespace?: string;
  readonly stateDir: string;
  /** `host:port` other replicas reach this one at (query forwarding, history reads). */
  readonly applicationServer?: string;
  readonly appVersion: number;
  /**
   * Streams application id: `chatplugin`, or `<TOPICS_NAMESPACE>.chatplugin` in a namespace, so
   * deployments sharing a cluster never share a consumer group, state or internal topics.
   */
  readonly applicationId: string;
  readonly systemToken: string;
  readonly jwtSecret: string;
  /** Signs visitor and resume tokens; from config so tokens survive restarts and upgrades. */
  readonly tokenSecret: string;
  readonly logLevel: LogLevel;
  /** Streams commit interval: bounds how soon a visitor's message reaches the messages topic (default 200 ms). */
  readonly commitIntervalMs: number;
}

export const CHATPLUGIN_APPLICATION_ID = 'chatplugin';

type Env = Record<string, string | undefined>;

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Reads the chat plugin's configuration from an environment (pass `process.env`); throws ChatpluginConfigError naming the variable. */
export function parseChatpluginConfig(env: Env): ChatpluginConfig {
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const clients = kafkaClientConfigFromEnv(env);
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) throw new ChatpluginConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}`);
  const namespace = env.TOPICS_NAMESPACE?.trim();
  const applicationServer = env.APPLICATION_SERVER?.trim() || (port === 0 ? undefined : `${host}:${port}`);
  return {
    port,
    host,
    kafka: clients.kafka ?? { brokers: ['127.0.0.1:9092'] },
    registry: clients.registry ?? { url: 'http://127.0.0.1:8080/apis/ccompat/v7' },
    ...(namespace ? { topicsNamespace: namespace } : {}),
    stateDir: path.resolve(env.STATE_DIR?.trim() || path.join('.data', 'state', 'chatplugin')),
    ...(applicationServer ? { applicationServer } : {}),
    appVersion: integer(env, 'APP_VERSION', 1, 1, 1_000_000),
    applicationId: namespace ? `${namespace}.${CHATPLUGIN_APPLICATION_ID}` : CHATPLUGIN_APPLICATION_ID,
    systemToken: secret(env, 'AUTH_SYSTEM_TOKEN'),
    jwtSecret: secret(env, 'AUTH_JWT_SECRET'),
    tokenSecret: secret(env, 'CHATPLUGIN_TOKEN_SECRET'),
    logLevel,
    commitIntervalMs: integer(env, 'STREAMS_COMMIT_INTERVAL_MS', 200, 10, 60_000),
  };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ChatpluginConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function secret(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ChatpluginConfigError(`${name} is required (at least ${minimumSecretLength} characters)`);
  if (value.length < minimumSecretLength) throw new ChatpluginConfigError(`${name} must be at least ${minimumSecretLength} characters`);
  return value;
}
