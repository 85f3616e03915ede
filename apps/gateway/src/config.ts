import type { LogLevel } from '@platform/common';
import { envInteger, envLogLevel, envText, rethrowConfigError } from '@platform/config';
import { GatewayConfigError } from './errors';
import { upstreamNames, type UpstreamName } from './routing/path-rules';

/** Everything the gateway needs, read once from the environment by main.ts. */
export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  /** Base URL of each app (`GATEWAY_ROUTES`); an app left out answers 502 on its paths. */
  readonly upstreams: Readonly<Partial<Record<UpstreamName, URL>>>;
  /** `CORS_ORIGINS`: `*`, a list of origins, or none (no CORS headers). */
  readonly cors?: '*' | readonly string[];
  /** An upstream silent for this long answers 504 (`GATEWAY_UPSTREAM_TIMEOUT_MS`, default 30 s). */
  readonly upstreamTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** `MANAGEMENT_PORT`: `/metrics` and `/health/*` are served there (and `/metrics` no longer on `port`). */
  readonly managementPort?: number;
  /** `AUTH_SYSTEM_TOKEN`: without a management port, `/metrics` on `port` needs `Bearer <it>`. */
  readonly systemToken?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: parses the environment (pass `process.env`) or throws one GatewayConfigError naming the variable. */
export function parseGatewayConfig(env: Env): GatewayConfig {
  return rethrowConfigError(() => readGatewayConfig(env), (message, cause) => new GatewayConfigError(message, { cause }));
}

function readGatewayConfig(env: Env): GatewayConfig {
  const host = envText(env, 'HOST') ?? '127.0.0.1';
  const port = envInteger(env, 'PORT', 8000, 0, 65535);
  const upstreamTimeoutMs = envInteger(env, 'GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000, 1, 3_600_000);
  const logLevel = envLogLevel(env);
  const managementPort = envText(env, 'MANAGEMENT_PORT') === undefined ? undefined : envInteger(env, 'MANAGEMENT_PORT', 0, 0, 65535);
  const systemToken = envText(env, 'AUTH_SYSTEM_TOKEN');
  const config: GatewayConfig = {
    host,
    port,
    upstreams: parseRoutes(envText(env, 'GATEWAY_ROUTES')),
    upstreamTimeoutMs,
    logLevel,
    ...(managementPort !== undefined ? { managementPort } : {}),
    ...(systemToken !== undefined ? { systemToken } : {}),
  };
  const cors = parseCors(envText(env, 'CORS_ORIGINS'));
  return cors === undefined ? config : { ...config, cors };
}

function parseRoutes(raw: string | undefined): Partial<Record<UpstreamName, URL>> {
  if (raw === undefined) {
    throw new GatewayConfigError(`GATEWAY_ROUTES is required: JSON like {"communication":"http://127.0.0.1:3001"} (apps: ${upstreamNames.join(', ')})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new GatewayConfigError('GATEWAY_ROUTES is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayConfigError('GATEWAY_ROUTES must be a JSON object of app name → base URL');
  }
  const routes: Partial<Record<UpstreamName, URL>> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!(upstreamNames as readonly string[]).includes(name)) {
      throw new GatewayConfigError(`GATEWAY_ROUTES: unknown app "${name}" (known: ${upstreamNames.join(', ')})`);
    }
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw new GatewayConfigError(`GATEWAY_ROUTES.${name}: "${String(value)}" is not a URL`);
    }
    if (url.protocol !== 'http:' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
      throw new GatewayConfigError(`GATEWAY_ROUTES.${name}: "${String(value)}" must be http://host:port with no path`);
    }
    routes[name as UpstreamName] = url;
  }
  return routes;
}

function parseCors(value: string | undefined): '*' | readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  const origins = value.split(',').map((o) => o.trim()).filter((o) => o.length > 0);
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.origin !== origin) {
      throw new GatewayConfigError(`CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com (no path, no trailing slash)`);
    }
  }
  return origins;
}
