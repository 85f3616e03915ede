import { envInteger, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
import type { LogLevel, PlatformErrorOptions } from '@platform/common';
import { maxRequestBodyBytes } from '@platform/chat-domain';
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
  /** `STREAMS_PRODUCE_PATH` (service config). */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH` (service config). */
  readonly fetchPath: StreamsFetchPath;
  /** Longest wait of a write for its own store, and of a read for an `x-streams-position`. */
  readonly positionTimeoutMs: number;
  readonly retryAfterSeconds: number;
  /** `MANAGEMENT_PORT`: `/metrics` and `/health/*` served there (and `/metrics` not on `port`); unset: `/metrics` needs the system token. */
  readonly managementPort: number | undefined;
  /** Largest JSON body (`BODY_LIMIT`, e.g. `512kb`); default chat-domain's maxRequestBodyBytes (256 KiB), consistent with the size budgets. */
  readonly bodyLimit: string | number;
  /** Broker outages: write deadline (KAFKA_WRITE_TIMEOUT_MS) and write probe period (KAFKA_WRITE_PROBE_INTERVAL_MS). */
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
}

export class ConfigError extends CommunicationError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, 500, options);
  }
}

type Env = Record<string, string | undefined>;

/** Pure parse of the environment (pass `process.env`); throws ConfigError with one line saying what to set. */
export function parseCommunicationConfig(env: Env): CommunicationConfig {
  return rethrowConfigError(() => readCommunicationConfig(env), (message, cause) => new ConfigError(message, { cause }));
}

function readCommunicationConfig(env: Env): CommunicationConfig {
  const service = serviceConfigFromEnv(env, { app: COMMUNICATION_APPLICATION_ID, defaultPort: 0 });
  return {
    host: service.host,
    port: service.port,
    kafka: service.kafka,
    registry: service.registry,
    topicsNamespace: service.topicsNamespace,
    // Kept as given (relative to the working directory), unlike the other apps.
    stateDir: envText(env, 'STATE_DIR') ?? '.data/state/communication',
    applicationServer: service.applicationServer,
    applicationId: service.applicationId,
    appVersion: service.appVersion,
    systemToken: service.auth.systemToken,
    jwtSecret: service.auth.jwtSecret,
    logLevel: service.logLevel,
    commitIntervalMs: envInteger(env, 'STREAMS_COMMIT_INTERVAL_MS', 100, 10, 60_000),
    positionTimeoutMs: envInteger(env, 'POSITION_TIMEOUT_MS', 10_000, 100, 120_000),
    retryAfterSeconds: envInteger(env, 'RETRY_AFTER_SECONDS', 1, 1, 3600),
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
    bodyLimit: envText(env, 'BODY_LIMIT') ?? maxRequestBodyBytes,
    producePath: service.producePath,
    fetchPath: service.fetchPath,
    writes: service.writes,
  };
}
