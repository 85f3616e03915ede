import { envInteger, envRequired, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
import type { LogLevel } from '@platform/common';
import { WebhooksConfigError } from './errors';
import type { DeliveryPolicy } from './delivery/delivery-policy';

export const WEBHOOKS_APPLICATION_ID = 'webhooks';

/** Everything the webhooks app needs, read once from the environment by main.ts. */
export interface WebhooksConfig {
  readonly port: number;
  readonly host: string;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  readonly topicsNamespace?: string;
  readonly stateDir: string;
  readonly applicationServer: string;
  readonly appVersion: number;
  /** `webhooks`, or `<TOPICS_NAMESPACE>.webhooks`. */
  readonly applicationId: string;
  readonly auth: { readonly systemToken: string; readonly jwtSecret: string };
  readonly logLevel: LogLevel;
  readonly managementPort: number | undefined;
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
  /** `WEBHOOKS_ENCRYPTION_KEY`: secret (≥ 16 characters) the AES-256-GCM key for signature keys at rest is derived from. */
  readonly encryptionSecret: string;
  /** `WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`: subscriptions may target loopback, private and link-local addresses. */
  readonly allowPrivateTargets: boolean;
  readonly delivery: DeliveryPolicy;
  readonly commitIntervalMs: number;
  /** `STREAMS_PRODUCE_PATH` (service config). */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH` (service config). */
  readonly fetchPath: StreamsFetchPath;
  /** The STOMP websocket at /ws.communication (see README, "Real-time websocket"). */
  readonly realtime: RealtimeConfig;
}

export interface RealtimeConfig {
  readonly windowEvents: number;
  readonly windowBytes: number;
  readonly heartbeatMs: number;
  readonly maxSubscriptions: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
  /** `REALTIME_COOKIE_ORIGINS` (comma-separated): origins whose pages may authenticate with Airy's cookie besides the same host. */
  readonly cookieOrigins: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: parses the environment (pass `process.env`) or throws one WebhooksConfigError naming the variable. */
export function parseWebhooksConfig(env: Env): WebhooksConfig {
  return rethrowConfigError(() => readConfig(env), (message, cause) => new WebhooksConfigError(message, { cause }));
}

function readConfig(env: Env): WebhooksConfig {
  const service = serviceConfigFromEnv(env, { app: WEBHOOKS_APPLICATION_ID, defaultPort: 3004, minPort: 1 });
  const { applicationServer } = service;
  if (applicationServer === undefined) throw new WebhooksConfigError('APPLICATION_SERVER is required when PORT is 0');
  const encryptionSecret = envRequired(env, 'WEBHOOKS_ENCRYPTION_KEY', 'the secret signature keys are encrypted with at rest (at least 16 characters)');
  if (encryptionSecret.length < 16) throw new WebhooksConfigError('WEBHOOKS_ENCRYPTION_KEY must be at least 16 characters');
  const allow = envText(env, 'WEBHOOKS_ALLOW_PRIVATE_TARGETS') ?? 'false';
  if (allow !== 'true' && allow !== 'false') throw new WebhooksConfigError('WEBHOOKS_ALLOW_PRIVATE_TARGETS must be true or false');
  const backoffBaseMs = envInteger(env, 'WEBHOOKS_BACKOFF_BASE_MS', 1000, 1, 3_600_000);
  return {
    ...service,
    applicationServer,
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
    encryptionSecret,
    allowPrivateTargets: allow === 'true',
    commitIntervalMs: envInteger(env, 'COMMIT_INTERVAL_MS', 100, 10, 60_000),
    realtime: {
      windowEvents: envInteger(env, 'REALTIME_WINDOW_EVENTS', 50_000, 100, 10_000_000),
      windowBytes: envInteger(env, 'REALTIME_WINDOW_BYTES', 64 * 1024 * 1024, 1024 * 1024, 4 * 1024 * 1024 * 1024),
      heartbeatMs: envInteger(env, 'REALTIME_HEARTBEAT_MS', 10_000, 0, 600_000),
      maxSubscriptions: envInteger(env, 'REALTIME_MAX_SUBSCRIPTIONS', 16, 1, 1024),
      maxConnections: envInteger(env, 'REALTIME_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
      maxBufferedBytes: envInteger(env, 'REALTIME_MAX_BUFFERED_BYTES', 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
      cookieOrigins: (envText(env, 'REALTIME_COOKIE_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0),
    },
    delivery: {
      maxAttempts: envInteger(env, 'WEBHOOKS_MAX_ATTEMPTS', 10, 1, 100),
      backoffBaseMs,
      backoffMaxMs: envInteger(env, 'WEBHOOKS_BACKOFF_MAX_MS', 3_600_000, backoffBaseMs, 86_400_000),
      connectTimeoutMs: envInteger(env, 'WEBHOOKS_CONNECT_TIMEOUT_MS', 2000, 10, 60_000),
      requestTimeoutMs: envInteger(env, 'WEBHOOKS_REQUEST_TIMEOUT_MS', 10_000, 10, 120_000),
      concurrencyPerSubscription: envInteger(env, 'WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION', 64, 1, 256),
      dispatchIntervalMs: envInteger(env, 'WEBHOOKS_DISPATCH_INTERVAL_MS', 10, 5, 10_000),
      laneRunLength: envInteger(env, 'WEBHOOKS_LANE_RUN_LENGTH', 32, 1, 1000),
    },
  };
}
