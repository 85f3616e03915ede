import { envInteger, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
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
  /** `STREAMS_PRODUCE_PATH` (service config). */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH` (service config). */
  readonly fetchPath: StreamsFetchPath;
  /** `MANAGEMENT_PORT`: `/metrics` and `/health/*` served there (and `/metrics` not on `port`); unset: `/metrics` needs the system token. */
  readonly managementPort: number | undefined;
  /** Broker outages: write deadline (`KAFKA_WRITE_TIMEOUT_MS`) and write probe period (`KAFKA_WRITE_PROBE_INTERVAL_MS`). */
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: parses the environment (pass `process.env`) or throws one AdminConfigError naming the variable. */
export function parseAdminConfig(env: Env): AdminConfig {
  return rethrowConfigError(() => readAdminConfig(env), (message, cause) => new AdminConfigError(message, { cause }));
}

function readAdminConfig(env: Env): AdminConfig {
  // PORT from 1: the admin app advertises host:port before it binds, so it never picks a free port.
  const service = serviceConfigFromEnv(env, { app: ADMIN_APPLICATION_ID, defaultPort: 3000, minPort: 1 });
  const { applicationServer } = service;
  if (applicationServer === undefined) throw new AdminConfigError('APPLICATION_SERVER is required when PORT is 0');
  return {
    ...service,
    applicationServer,
    writeTimeoutMs: envInteger(env, 'WRITE_TIMEOUT_MS', 10_000, 100, 600_000),
    commitIntervalMs: envInteger(env, 'COMMIT_INTERVAL_MS', 200, 10, 60_000),
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
  };
}
