import type { Authenticator } from '@platform/auth';
import type { RequestName } from '@platform/chat-domain';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformConfigError } from './errors';
import type { RateLimitPolicy } from './rate-limit/rate-limit-policy';

/** One endpoint of the OpenAPI document: `POST /<name>`, its body from `requestSchemas[name]`. */
export interface OpenApiEndpoint {
  readonly name: RequestName;
  /** No bearer token required (the route is `@Public()` and verifies callers itself). Default false. */
  readonly public?: boolean;
  readonly summary?: string;
  /** Further error statuses the endpoint answers (e.g. 409), beside 400/401/404/503. */
  readonly errors?: readonly number[];
}

export interface OpenApiOptions {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  /** Endpoints the app serves; a bare name is a bearer-protected endpoint. */
  readonly endpoints: readonly (RequestName | OpenApiEndpoint)[];
}

export interface PlatformModuleOptions {
  /** Checks `Authorization` on every route not marked `@Public()`. */
  readonly authenticator: Authenticator;
  /** Registry the HTTP metrics are registered in (serve it on `/metrics`, e.g. through StreamsModule). */
  readonly metrics: MetricsRegistry;
  /** Unexpected errors are logged here with their stack. */
  readonly logger: Logger;
  readonly openapi: OpenApiOptions;
  /**
   * Paths (exact, or prefixes ending in `/`) that need no token even without `@Public()`, for
   * controllers of other libs. Default: `/health/`, `/metrics`, `/openapi.json`. (`bootstrapApi` still
   * keeps `/metrics` to the management port, or to the system token without one.)
   */
  readonly publicPaths?: readonly string[];
  /** Policies `@RateLimit(name)` applies, by name (e.g. `{ visitor: new RateLimitPolicy([...]) }`). */
  readonly rateLimits?: Readonly<Record<string, RateLimitPolicy>>;
}

export interface ResolvedPlatformOptions {
  readonly authenticator: Authenticator;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly openapi: { readonly title: string; readonly version: string; readonly description?: string; readonly endpoints: readonly OpenApiEndpoint[] };
  readonly publicPaths: readonly string[];
  readonly rateLimits: ReadonlyMap<string, RateLimitPolicy>;
}

export const defaultPublicPaths: readonly string[] = ['/health/', '/metrics', '/openapi.json'];

export function resolvePlatformOptions(options: PlatformModuleOptions): ResolvedPlatformOptions {
  if (options.authenticator === undefined) throw new PlatformConfigError('PlatformModule needs an authenticator');
  const endpoints = options.openapi.endpoints.map((e) => (typeof e === 'string' ? { name: e } : e));
  const seen = new Set<string>();
  for (const { name } of endpoints) {
    if (seen.has(name)) throw new PlatformConfigError(`openapi endpoint ${name} is listed twice`);
    seen.add(name);
  }
  return {
    authenticator: options.authenticator,
    metrics: options.metrics,
    logger: options.logger,
    openapi: { ...options.openapi, endpoints },
    publicPaths: options.publicPaths ?? defaultPublicPaths,
    rateLimits: new Map(Object.entries(options.rateLimits ?? {})),
  };
}

/** True when `path` equals an entry or starts with an entry ending in `/`. */
export function isPublicPath(path: string, publicPaths: readonly string[]): boolean {
  return publicPaths.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}
