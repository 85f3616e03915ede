import type { LogLevel } from '@platform/common';
import { checkPublicUrl, parseSecretKeys, type SecretKey } from '@platform/connector-kit';
import { envInteger, envText, rethrowConfigError, serviceConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig, type StreamsFetchPath, type StreamsProducePath } from '@platform/config';
import { TwilioConfigError } from './errors';

export interface TwilioConfig {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  readonly topicsNamespace?: string;
  readonly stateDir: string;
  readonly applicationServer?: string;
  readonly appVersion: number;
  /** `twilio`, or `<TOPICS_NAMESPACE>.twilio`. */
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
  /** `TWILIO_PUBLIC_URL`: base URL Twilio calls (signatures cover it; status callbacks go to `<it>/twilio`). Unset: forwarded headers / Host. */
  readonly publicUrl: string | undefined;
  /** `TWILIO_API_BASE_URL`: the REST API's base (default Twilio's own; tests point it at a local server). */
  readonly apiBaseUrl: string | undefined;
  /** `TWILIO_ACCOUNT_SID` + `TWILIO_AUTH_TOKEN`: the account of channels connected without their own credentials (Airy's only mode). */
  readonly defaultAccount: { readonly accountSid: string; readonly authToken: string } | undefined;
  /** `TWILIO_CREDENTIALS_KEYS` (`id:base64-32-bytes,…`, first seals): encrypts per-channel credentials in the channels topic. */
  readonly credentialKeys: readonly SecretKey[];
  /** `TWILIO_STALE_AFTER_MS`: PENDING messages older than this are FAILED without a call (default 300 000). */
  readonly staleAfterMs: number;
  /** `TWILIO_REQUEST_TIMEOUT_MS`: longest wait for the REST API (default 10 000). */
  readonly requestTimeoutMs: number;
  /** `TWILIO_SEND_ATTEMPTS`: REST calls per send while Twilio answers 429 / 5xx or does not answer, before FAILED (default 4). */
  readonly sendAttempts: number;
  /** `TWILIO_RETRY_BASE_MS`: wait before the 2nd call, doubled before each further one (default 1000: 1 s, 2 s, 4 s). */
  readonly retryBaseMs: number;
}

export const TWILIO_APPLICATION_ID = 'twilio';

type Env = Record<string, string | undefined>;

const localKafka = '127.0.0.1:9092';
const localRegistry = 'http://127.0.0.1:8080/apis/ccompat/v7';

/** Reads the Twilio connector's configuration (pass `process.env`); throws TwilioConfigError naming the variable. */
export function parseTwilioConfig(env: Env): TwilioConfig {
  return rethrowConfigError(() => readTwilioConfig(env), (message, cause) => new TwilioConfigError(message, { cause }));
}

function readTwilioConfig(env: Env): TwilioConfig {
  const service = serviceConfigFromEnv(
    { ...env, KAFKA_BROKERS: envText(env, 'KAFKA_BROKERS') ?? localKafka, SCHEMA_REGISTRY_URL: envText(env, 'SCHEMA_REGISTRY_URL') ?? localRegistry },
    { app: TWILIO_APPLICATION_ID, defaultPort: 3000 },
  );
  const { auth, ...shared } = service;
  const accountSid = envText(env, 'TWILIO_ACCOUNT_SID');
  const authToken = envText(env, 'TWILIO_AUTH_TOKEN');
  if ((accountSid === undefined) !== (authToken === undefined)) throw new TwilioConfigError('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together');
  const publicUrl = envText(env, 'TWILIO_PUBLIC_URL');
  const apiBaseUrl = envText(env, 'TWILIO_API_BASE_URL');
  const keys = envText(env, 'TWILIO_CREDENTIALS_KEYS');
  return {
    ...shared,
    systemToken: auth.systemToken,
    jwtSecret: auth.jwtSecret,
    commitIntervalMs: envInteger(env, 'STREAMS_COMMIT_INTERVAL_MS', 200, 10, 60_000),
    sessionTimeoutMs: envInteger(env, 'STREAMS_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    managementPort: envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535),
    publicUrl: publicUrl === undefined ? undefined : checked(() => checkPublicUrl(publicUrl), 'TWILIO_PUBLIC_URL'),
    apiBaseUrl: apiBaseUrl === undefined ? undefined : checked(() => checkPublicUrl(apiBaseUrl), 'TWILIO_API_BASE_URL'),
    defaultAccount: accountSid !== undefined && authToken !== undefined ? { accountSid, authToken } : undefined,
    credentialKeys: keys === undefined ? [] : checked(() => parseSecretKeys(keys), 'TWILIO_CREDENTIALS_KEYS'),
    staleAfterMs: envInteger(env, 'TWILIO_STALE_AFTER_MS', 300_000, 1000, 7 * 24 * 3_600_000),
    requestTimeoutMs: envInteger(env, 'TWILIO_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
    sendAttempts: envInteger(env, 'TWILIO_SEND_ATTEMPTS', 4, 1, 10),
    retryBaseMs: envInteger(env, 'TWILIO_RETRY_BASE_MS', 1000, 1, 60_000),
  };
}

function checked<T>(read: () => T, variable: string): T {
  try {
    return read();
  } catch (error) {
    throw new TwilioConfigError(`${variable}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
