import type { LogLevel } from '@platform/common';
import { envInteger, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
import { SourcesConfigError } from './errors';

export interface SourcesConfig {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  readonly topicsNamespace?: string;
  readonly stateDir: string;
  readonly applicationServer?: string;
  readonly appVersion: number;
  /** `sources`, or `<TOPICS_NAMESPACE>.sources`. */
  readonly applicationId: string;
  readonly systemToken: string;
  readonly jwtSecret: string;
  readonly logLevel: LogLevel;
  readonly commitIntervalMs: number;
  /** `STREAMS_PRODUCE_PATH` (service config). */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH` (service config). */
  readonly fetchPath: StreamsFetchPath;
  /** `STREAMS_SESSION_TIMEOUT_MS`: how long the group waits for a member that died (kill -9) before its tasks move (default 30 000). */
  readonly sessionTimeoutMs: number;
  readonly managementPort: number | undefined;
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
  /** `SOURCES_TOKEN_SECRET` (at least 32 characters): source tokens are derived from it (only their hash is stored). */
  readonly tokenSecret: string;
  /** `SOURCES_STALE_AFTER_MS`: PENDING messages older than this are FAILED without a call (default 300 000). */
  readonly staleAfterMs: number;
  /** `SOURCES_REQUEST_TIMEOUT_MS`: longest wait for an action endpoint (default 10 000). */
  readonly requestTimeoutMs: number;
}

export const SOURCES_APPLICATION_ID = 'sources';

type Env = Record<string, string | undefined>;

const localKafka = '127.0.0.1:9092';
const localRegistry = 'http://127.0.0.1:8080/apis/ccompat/v7';

/** Reads the sources app's configuration (pass `process.env`); throws SourcesConfigError naming the variable. */
export function parseSourcesConfig(env: Env): SourcesConfig {
  return rethrowConfigError(() => readSourcesConfig(env), (message, cause) => new SourcesConfigError(message, { cause }));
}

function readSourcesConfig(env: Env): SourcesConfig {
  const service = serviceConfigFromEnv(
    { ...env, KAFKA_BROKERS: envText(env, 'KAFKA_BROKERS') ?? localKafka, SCHEMA_REGISTRY_URL: envText(env, 'SCHEMA_REGISTRY_URL') ?? localRegistry },
    { app: SOURCES_APPLICATION_ID, defaultPort: 3000 },
  );
  const { auth, ...shared } = service;
  const tokenSecret = envText(env, 'SOURCES_TOKEN_SECRET');
  if (tokenSecret === undefined || tokenSecret.length < 32) throw new SourcesConfigError('SOURCES_TOKEN_SECRET must be set, at least 32 characters (e.g. openssl rand -base64 32)');
  return {
    ...shared,
    systemToken: auth.systemToken,
    jwtSecret: auth.jwtSecret,
    commitIntervalMs: envInteger(env, 'STREAMS_COMMIT_INTERVAL_MS', 200, 10, 60_000),
    sessionTimeoutMs: envInteger(env, 'STREAMS_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
    tokenSecret,
    staleAfterMs: envInteger(env, 'SOURCES_STALE_AFTER_MS', 300_000, 1000, 7 * 24 * 3_600_000),
    requestTimeoutMs: envInteger(env, 'SOURCES_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}
