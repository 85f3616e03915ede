import { minimumSecretLength } from '@platform/auth';
import type { LogLevel } from '@platform/common';
import { envInteger, envStreamThreads, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
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
  /** `STREAMS_PRODUCE_PATH` (service config). */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH` (service config). */
  readonly fetchPath: StreamsFetchPath;
  /** `STREAMS_THREADS` (default 1): stream threads of the router (see `streams/thread-topology.ts`). */
  readonly streamThreads: number;
  /** `MANAGEMENT_PORT`: `/metrics` and `/health/*` served there (and `/metrics` not on `port`); unset: `/metrics` needs the system token. */
  readonly managementPort: number | undefined;
  /** `TRUSTED_PROXIES` (default `loopback`): proxies whose `X-Forwarded-For` names the client (addresses, CIDRs, `loopback`, `uniquelocal`). */
  readonly trustedProxies: readonly string[];
  /** Rate limits of the visitor API and websocket: requests per window per client address and per channel. */
  readonly visitorRateLimit: { readonly perAddress: number; readonly perChannel: number; readonly windowMs: number };
  /** Broker outages: write deadline (`KAFKA_WRITE_TIMEOUT_MS`) and write probe period (`KAFKA_WRITE_PROBE_INTERVAL_MS`). */
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
}

export const CHATPLUGIN_APPLICATION_ID = 'chatplugin';

type Env = Record<string, string | undefined>;

/** Used when KAFKA_BROKERS / SCHEMA_REGISTRY_URL are unset: the local stack of `npm start`. */
const localKafka = '127.0.0.1:9092';
const localRegistry = 'http://127.0.0.1:8080/apis/ccompat/v7';

/** Reads the chat plugin's configuration from an environment (pass `process.env`); throws ChatpluginConfigError naming the variable. */
export function parseChatpluginConfig(env: Env): ChatpluginConfig {
  return rethrowConfigError(() => readChatpluginConfig(env), (message, cause) => new ChatpluginConfigError(message, { cause }));
}

function readChatpluginConfig(env: Env): ChatpluginConfig {
  // Secrets first: they need a minimum length, which the shared reader does not check.
  const systemToken = secret(env, 'AUTH_SYSTEM_TOKEN');
  const jwtSecret = secret(env, 'AUTH_JWT_SECRET');
  const tokenSecret = secret(env, 'CHATPLUGIN_TOKEN_SECRET');
  const service = serviceConfigFromEnv(
    { ...env, KAFKA_BROKERS: envText(env, 'KAFKA_BROKERS') ?? localKafka, SCHEMA_REGISTRY_URL: envText(env, 'SCHEMA_REGISTRY_URL') ?? localRegistry },
    { app: CHATPLUGIN_APPLICATION_ID, defaultPort: 3000 },
  );
  const { auth: _auth, ...shared } = service;
  return {
    ...shared,
    systemToken,
    jwtSecret,
    tokenSecret,
    commitIntervalMs: envInteger(env, 'STREAMS_COMMIT_INTERVAL_MS', 200, 10, 60_000),
    streamThreads: envStreamThreads(env),
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
    trustedProxies: (envText(env, 'TRUSTED_PROXIES') ?? 'loopback').split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0 && entry !== 'none'),
    visitorRateLimit: {
      perAddress: envInteger(env, 'VISITOR_RATE_LIMIT_PER_ADDRESS', 600, 1, 10_000_000),
      perChannel: envInteger(env, 'VISITOR_RATE_LIMIT_PER_CHANNEL', 6000, 1, 10_000_000),
      windowMs: envInteger(env, 'VISITOR_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
    },
  };
}

function secret(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ChatpluginConfigError(`${name} is required (at least ${minimumSecretLength} characters)`);
  if (value.length < minimumSecretLength) throw new ChatpluginConfigError(`${name} must be at least ${minimumSecretLength} characters`);
  return value;
}
