import { kafkaClientConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig } from '@platform/infra-kafka';
import type { LogLevel } from '@platform/common';
import { CommunicationError } from './errors';
import { COMMUNICATION_APPLICATION_ID } from './streams/stores';

/** Everything the communication app needs, read once from the environment by `main.ts`. */
export interface CommunicationConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  readonly topicsNamespace: string | undefined;
  readonly stateDir: string;
  /** `host:port` advertised to the other replicas; derived from the bound port when absent. */
  readonly applicationServer: string | undefined;
  /** Streams application id: `communication`, prefixed with `<namespace>.` under a topics namespace. */
  readonly applicationId: string;
  readonly appVersion: number;
  readonly systemToken: string;
  readonly jwtSecret: string;
  readonly logLevel: LogLevel;
  /** Commit interval of the streams application: the longest a write waits to be readable. */
  readonly commitIntervalMs: number;
  /** Longest wait of a write for its own store, and of a read for an `x-streams-position`. */
  readonly positionTimeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly bodyLimit: string;
}

export class ConfigError extends CommunicationError {
  constructor(message: string) {
    super(message, 500);
  }
}

type Env = Record<string, string | undefined>;
const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, not "${raw}"`);
  return value;
}

function required(env: Env, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required — ${hint}`);
  return value;
}

/** Pure parse of the environment (pass `process.env`); throws ConfigError with one line saying what to set. */
export function parseCommunicationConfig(env: Env): CommunicationConfig {
  const client = kafkaClientConfigFromEnv(env);
  if (!client.kafka) throw new ConfigError('KAFKA_BROKERS is required — e.g. KAFKA_BROKERS=127.0.0.1:9092');
  if (!client.registry) throw new ConfigError('SCHEMA_REGISTRY_URL is required — e.g. SCHEMA_REGISTRY_URL=http://127.0.0.1:8080/apis/ccompat/v7');
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = integer(env, 'PORT', 0, 0, 65535);
  const namespace = env.TOPICS_NAMESPACE?.trim() || undefined;
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${env.LOG_LEVEL}"`);
  const applicationServer = env.APPLICATION_SERVER?.trim() || (port === 0 ? undefined : `${host}:${port}`);
  if (applicationServer !== undefined && !/^[^\s:/]+:\d+$/.test(applicationServer)) {
    throw new ConfigError(`APPLICATION_SERVER must be host:port, not "${applicationServer}"`);
  }
  return {
    host,
    port,
    kafka: client.kafka,
    registry: client.registry,
    topicsNamespace: namespace,
    stateDir: env.STATE_DIR?.trim() || '.data/state/communication',
    applicationServer,
    applicationId: namespace ? `${namespace}.${COMMUNICATION_APPLICATION_ID}` : COMMUNICATION_APPLICATION_ID,
    appVersion: integer(env, 'APP_VERSION', 1, 1, 1_000_000),
    systemToken: required(env, 'AUTH_SYSTEM_TOKEN', 'the Bearer token machines use (npm start generates one)'),
    jwtSecret: required(env, 'AUTH_JWT_SECRET', 'the HS256 secret of user tokens'),
    logLevel,
    commitIntervalMs: integer(env, 'STREAMS_COMMIT_INTERVAL_MS', 100, 10, 60_000),
    positionTimeoutMs: integer(env, 'POSITION_TIMEOUT_MS', 10_000, 100, 120_000),
    retryAfterSeconds: integer(env, 'RETRY_AFTER_SECONDS', 1, 1, 3600),
    bodyLimit: env.BODY_LIMIT?.trim() || '1mb',
  };
}
