import * as path from 'node:path';
import type { LogLevel } from '@platform/common';
import { ConfigError } from './errors';
import { kafkaClientConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig } from './kafka-connection';

/** The environment of a service (pass `process.env`); only read, never changed. */
type Env = Readonly<Record<string, string | undefined>>;

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Which client writes a streams application's at-least-once outputs (the streams engine's `producePath`). */
export type StreamsProducePath = 'kafkajs' | 'lean';
/** Which client reads a streams application's input for processing (the streams engine's `fetchPath`). */
export type StreamsFetchPath = 'kafkajs' | 'lean';
const clientPaths: readonly ('kafkajs' | 'lean')[] = ['kafkajs', 'lean'];

/** The trimmed value of `name`, or undefined when it is unset or blank. */
export function envText(env: Env, name: string): string | undefined {
  const trimmed = env[name]?.trim();
  return trimmed ? trimmed : undefined;
}

/** A decimal integer in `min..max`, `fallback` when unset or blank; otherwise a one-line ConfigError. */
export function envInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = envText(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  return value;
}

/** The trimmed value of `name`; when unset or blank a ConfigError `<name> is required — <hint>`. */
export function envRequired(env: Env, name: string, hint: string): string {
  const value = envText(env, name);
  if (value === undefined) throw new ConfigError(`${name} is required — ${hint}`);
  return value;
}

/** `LOG_LEVEL`, case-insensitive: debug, info (default), warn or error. */
export function envLogLevel(env: Env): LogLevel {
  const level = (envText(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!logLevels.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${env.LOG_LEVEL}"`);
  return level;
}

/** `STREAMS_PRODUCE_PATH`, case-insensitive: lean (default) or kafkajs. */
export function envProducePath(env: Env): StreamsProducePath {
  return envClientPath(env, 'STREAMS_PRODUCE_PATH');
}

/** `STREAMS_FETCH_PATH`, case-insensitive: lean (default) or kafkajs. */
export function envFetchPath(env: Env): StreamsFetchPath {
  return envClientPath(env, 'STREAMS_FETCH_PATH');
}

/**
 * `STREAMS_THREADS`: stream threads of the app's streams application (`numStreamThreads`), 1 (default)
 * to 32. Read only by the apps whose topology a stream thread can build on its own.
 */
export function envStreamThreads(env: Env): number {
  return envInteger(env, 'STREAMS_THREADS', 1, 1, 32);
}

function envClientPath(env: Env, name: string, fallback: 'kafkajs' | 'lean' = 'lean'): 'kafkajs' | 'lean' {
  const path = (envText(env, name) ?? fallback).toLowerCase() as 'kafkajs' | 'lean';
  if (!clientPaths.includes(path)) throw new ConfigError(`${name} must be one of ${clientPaths.join(', ')}, not "${env[name]}"`);
  return path;
}

export interface ServiceConfigOptions {
  /** The service's name: its streams application id (before the namespace) and its default state directory. */
  readonly app: string;
  /** `PORT` when unset; 0 picks a free port when listening. */
  readonly defaultPort: number;
  /** `STATE_DIR` when unset (default `.data/state/<app>`), resolved against the working directory. */
  readonly defaultStateDir?: string;
  /** Lowest `PORT` accepted (default 0); 1 for a service that must advertise its port before binding. */
  readonly minPort?: number;
}

/** What every Kafka Streams service reads from the environment, the same way. */
export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  /** Prefix of every topic name (`TOPICS_NAMESPACE`), none by default. */
  readonly topicsNamespace?: string;
  /** Absolute directory of the local state stores. */
  readonly stateDir: string;
  /** `host:port` other replicas reach this one at; undefined when PORT is 0 and APPLICATION_SERVER is unset. */
  readonly applicationServer?: string;
  /** `<TOPICS_NAMESPACE>.<app>`, or `<app>` without a namespace: deployments sharing a cluster never share a group. */
  readonly applicationId: string;
  readonly appVersion: number;
  readonly logLevel: LogLevel;
  readonly auth: { readonly systemToken: string; readonly jwtSecret: string };
  /** `STREAMS_PRODUCE_PATH`: `lean` (default: the engine's own produce path) or `kafkajs`. */
  readonly producePath: StreamsProducePath;
  /** `STREAMS_FETCH_PATH`: `lean` (default: the engine's own fetch path for processing) or `kafkajs`. */
  readonly fetchPath: StreamsFetchPath;
  /** Broker outages: longest wait for a write (`KAFKA_WRITE_TIMEOUT_MS`, default 5000) and the write probe's period (`KAFKA_WRITE_PROBE_INTERVAL_MS`, default 2000). */
  readonly writes: { readonly timeoutMs: number; readonly probeIntervalMs: number };
}

/**
 * Pure: reads HOST, PORT, KAFKA_* and SCHEMA_REGISTRY_* (through kafkaClientConfigFromEnv), TOPICS_NAMESPACE,
 * STATE_DIR, APPLICATION_SERVER, APP_VERSION, LOG_LEVEL, AUTH_SYSTEM_TOKEN, AUTH_JWT_SECRET, STREAMS_PRODUCE_PATH, STREAMS_FETCH_PATH, KAFKA_WRITE_TIMEOUT_MS and KAFKA_WRITE_PROBE_INTERVAL_MS, or throws one
 * ConfigError naming the variable. KAFKA_BROKERS, SCHEMA_REGISTRY_URL and both AUTH_* variables are required.
 */
export function serviceConfigFromEnv(env: Env, options: ServiceConfigOptions): ServiceConfig {
  const client = kafkaClientConfigFromEnv(env);
  if (!client.kafka) throw new ConfigError('KAFKA_BROKERS is required — comma-separated host:port, e.g. KAFKA_BROKERS=127.0.0.1:9092');
  if (!client.registry) throw new ConfigError('SCHEMA_REGISTRY_URL is required — the Confluent-compatible base URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7');
  const host = envText(env, 'HOST') ?? '127.0.0.1';
  const port = envInteger(env, 'PORT', options.defaultPort, options.minPort ?? 0, 65535);
  const namespace = envText(env, 'TOPICS_NAMESPACE');
  const logLevel = envLogLevel(env);
  const applicationServer = envText(env, 'APPLICATION_SERVER') ?? (port === 0 ? undefined : `${host}:${port}`);
  if (applicationServer !== undefined && !/^[^\s:/]+:\d+$/.test(applicationServer)) {
    throw new ConfigError(`APPLICATION_SERVER must be host:port, not "${applicationServer}"`);
  }
  return {
    host,
    port,
    kafka: client.kafka,
    registry: client.registry,
    ...(namespace ? { topicsNamespace: namespace } : {}),
    stateDir: path.resolve(envText(env, 'STATE_DIR') ?? options.defaultStateDir ?? path.join('.data', 'state', options.app)),
    ...(applicationServer ? { applicationServer } : {}),
    applicationId: namespace ? `${namespace}.${options.app}` : options.app,
    appVersion: envInteger(env, 'APP_VERSION', 1, 1, 1_000_000),
    logLevel,
    auth: {
      systemToken: envRequired(env, 'AUTH_SYSTEM_TOKEN', 'the Bearer token machines use (npm start generates one)'),
      jwtSecret: envRequired(env, 'AUTH_JWT_SECRET', 'the HS256 secret that signs and verifies user tokens'),
    },
    producePath: envProducePath(env),
    fetchPath: envFetchPath(env),
    writes: {
      timeoutMs: envInteger(env, 'KAFKA_WRITE_TIMEOUT_MS', 5000, 100, 120_000),
      probeIntervalMs: envInteger(env, 'KAFKA_WRITE_PROBE_INTERVAL_MS', 2000, 100, 60_000),
    },
  };
}

/**
 * Runs `read` and rethrows a ConfigError it raises as the app's own error (same message, the
 * ConfigError as cause), so an app's callers and specs keep seeing one error class.
 */
export function rethrowConfigError<T>(read: () => T, wrap: (message: string, cause: ConfigError) => Error): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw wrap(error.message, error);
    throw error;
  }
}
