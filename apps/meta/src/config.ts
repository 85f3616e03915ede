import type { LogLevel } from '@platform/common';
import { checkPublicUrl, parseSecretKeys, type SecretKey } from '@platform/connector-kit';
import { envInteger, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
import { MetaConfigError } from './errors';

export interface MetaConfig {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  readonly topicsNamespace?: string;
  readonly stateDir: string;
  readonly applicationServer?: string;
  readonly appVersion: number;
  /** `meta`, or `<TOPICS_NAMESPACE>.meta` (Messenger + Instagram); WhatsApp Cloud runs as `<it>-whatsapp`. */
  readonly applicationId: string;
  readonly systemToken: string;
  readonly jwtSecret: string;
  readonly logLevel: LogLevel;
  readonly commitIntervalMs: number;
  /** `STREAMS_PRODUCE_PATH` (service config). */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH` (service config). */
  readonly fetchPath: StreamsFetchPath;
  /** `STREAMS_SESSION_TIMEOUT_MS`: how long the group waits for a member that died (kill -9) before its tasks, and their outboxes, move (default 30 000). */
  readonly sessionTimeoutMs: number;
  readonly managementPort: number | undefined;
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
  /** `META_APP_SECRET`: the key of `X-Hub-Signature-256` (HMAC-SHA256 of the raw body). Without it every POST webhook is refused. */
  readonly appSecret: string | undefined;
  /** `META_VERIFY_TOKEN`: what the GET handshake must name in `hub.verify_token`. Without it every handshake is refused. */
  readonly verifyToken: string | undefined;
  /** `META_APP_ID`: our app's id; echoes carrying it are our own sends. */
  readonly appId: string | undefined;
  /** `META_GRAPH_BASE_URL` (default `https://graph.facebook.com`; tests point it at a local server). */
  readonly graphBaseUrl: string;
  /** `META_GRAPH_VERSION` (default `v25.0`). */
  readonly graphVersion: string;
  /** `META_CREDENTIALS_KEYS` (`id:base64-32-bytes,…`, first seals): page and access tokens are sealed with it; without it connect is refused. */
  readonly credentialKeys: readonly SecretKey[];
  /** `META_STALE_AFTER_MS`: PENDING messages older than this are FAILED without a call (default 300 000). */
  readonly staleAfterMs: number;
  /** `META_REQUEST_TIMEOUT_MS`: longest wait for the Graph API (default 10 000). */
  readonly requestTimeoutMs: number;
  /** `META_SEND_ATTEMPTS`: Graph calls per send when Graph throttles, fails (5xx) or does not answer, before FAILED (default 4). */
  readonly sendAttempts: number;
  /** `META_RETRY_BASE_MS`: wait before the 2nd call, doubled before each further one (default 1000: 1 s, 2 s, 4 s). */
  readonly retryBaseMs: number;
  /** `META_PROFILE_FETCH` (`true` default): fetch Messenger/Instagram contact profiles on their first message. */
  readonly profileFetch: boolean;
}

export const META_APPLICATION_ID = 'meta';

type Env = Record<string, string | undefined>;

const localKafka = '127.0.0.1:9092';
const localRegistry = 'http://127.0.0.1:8080/apis/ccompat/v7';

/** Reads the Meta connector's configuration (pass `process.env`); throws MetaConfigError naming the variable. */
export function parseMetaConfig(env: Env): MetaConfig {
  return rethrowConfigError(() => readMetaConfig(env), (message, cause) => new MetaConfigError(message, { cause }));
}

function readMetaConfig(env: Env): MetaConfig {
  const service = serviceConfigFromEnv(
    { ...env, KAFKA_BROKERS: envText(env, 'KAFKA_BROKERS') ?? localKafka, SCHEMA_REGISTRY_URL: envText(env, 'SCHEMA_REGISTRY_URL') ?? localRegistry },
    { app: META_APPLICATION_ID, defaultPort: 3000 },
  );
  const { auth, ...shared } = service;
  const keys = envText(env, 'META_CREDENTIALS_KEYS');
  const baseUrl = envText(env, 'META_GRAPH_BASE_URL') ?? 'https://graph.facebook.com';
  const version = envText(env, 'META_GRAPH_VERSION') ?? 'v25.0';
  if (!/^v[0-9]{1,3}\.[0-9]{1,2}$/.test(version)) throw new MetaConfigError('META_GRAPH_VERSION must look like v25.0');
  const appId = envText(env, 'META_APP_ID');
  if (appId !== undefined && !/^[0-9]{1,32}$/.test(appId)) throw new MetaConfigError('META_APP_ID must be the numeric app id');
  const profileFetch = envText(env, 'META_PROFILE_FETCH') ?? 'true';
  if (profileFetch !== 'true' && profileFetch !== 'false') throw new MetaConfigError('META_PROFILE_FETCH must be true or false');
  return {
    ...shared,
    systemToken: auth.systemToken,
    jwtSecret: auth.jwtSecret,
    commitIntervalMs: envInteger(env, 'STREAMS_COMMIT_INTERVAL_MS', 200, 10, 60_000),
    sessionTimeoutMs: envInteger(env, 'STREAMS_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
    appSecret: envText(env, 'META_APP_SECRET'),
    verifyToken: envText(env, 'META_VERIFY_TOKEN'),
    appId,
    graphBaseUrl: checked(() => checkPublicUrl(baseUrl), 'META_GRAPH_BASE_URL'),
    graphVersion: version,
    credentialKeys: keys === undefined ? [] : checked(() => parseSecretKeys(keys), 'META_CREDENTIALS_KEYS'),
    staleAfterMs: envInteger(env, 'META_STALE_AFTER_MS', 300_000, 1000, 7 * 24 * 3_600_000),
    requestTimeoutMs: envInteger(env, 'META_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
    sendAttempts: envInteger(env, 'META_SEND_ATTEMPTS', 4, 1, 10),
    retryBaseMs: envInteger(env, 'META_RETRY_BASE_MS', 1000, 1, 60_000),
    profileFetch: profileFetch === 'true',
  };
}

function checked<T>(read: () => T, variable: string): T {
  try {
    return read();
  } catch (error) {
    throw new MetaConfigError(`${variable}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
