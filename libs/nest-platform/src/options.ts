import type { Authenticator } from '@platform/auth';
import type { RequestName } from '@platform/chat-domain';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformConfigError } from './errors';
import { catalogProblems, chatOpenApiCatalog, type OpenApiCatalog } from './openapi/catalog';
import type { RateLimitPolicy } from './rate-limit/rate-limit-policy';

/** How an app's own (domain) errors are answered: status, `{ message }` and extra headers such as `Retry-After`. */
export interface MappedError {
  readonly status: number;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Maps an app's domain error to its answer, or `undefined` for errors it does not know (the platform's own mapping then applies). */
export type ErrorMapping = (error: unknown) => MappedError | undefined;

/** One endpoint of the OpenAPI document: `POST /<name>`, its body from the catalog's `requests[name]` (chat-domain's `requestSchemas` by default). */
export interface OpenApiEndpoint<N extends string = RequestName> {
  readonly name: N;
  /** No bearer token required (the route is `@Public()` and verifies callers itself). Default false. */
  readonly public?: boolean;
  readonly summary?: string;
  /** Further error statuses the endpoint answers (e.g. 409), beside 400/401/404/503. */
  readonly errors?: readonly number[];
}

interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

/**
 * The app's document: chat endpoints (schemas from `@platform/chat-domain`), or, with `catalog`, the app's own
 * endpoints described by the catalog it validates with. Endpoints the app serves; a bare name is a bearer-protected endpoint.
 */
export type OpenApiOptions =
  | (OpenApiInfo & { readonly catalog?: undefined; readonly endpoints: readonly (RequestName | OpenApiEndpoint)[] })
  | (OpenApiInfo & { readonly catalog: OpenApiCatalog; readonly endpoints: readonly (string | OpenApiEndpoint<string>)[] });

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
  /**
   * The app's domain errors as answers, consulted by the exception filter before its own mapping: services
   * throw typed errors, and this one function (not every controller) turns them into HTTP.
   */
  readonly errorMapping?: ErrorMapping;
}

export interface ResolvedPlatformOptions {
  readonly authenticator: Authenticator;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly openapi: OpenApiInfo & { readonly catalog: OpenApiCatalog; readonly endpoints: readonly OpenApiEndpoint<string>[] };
  readonly publicPaths: readonly string[];
  readonly rateLimits: ReadonlyMap<string, RateLimitPolicy>;
  readonly errorMapping?: ErrorMapping;
}

export const defaultPublicPaths: readonly string[] = ['/health/', '/metrics', '/openapi.json'];

export function resolvePlatformOptions(options: PlatformModuleOptions): ResolvedPlatformOptions {
  if (options.authenticator === undefined) throw new PlatformConfigError('PlatformModule needs an authenticator');
  const endpoints: OpenApiEndpoint<string>[] = options.openapi.endpoints.map((e: string | OpenApiEndpoint<string>) => (typeof e === 'string' ? { name: e } : e));
  const seen = new Set<string>();
  for (const { name } of endpoints) {
    if (seen.has(name)) throw new PlatformConfigError(`openapi endpoint ${name} is listed twice`);
    seen.add(name);
  }
  const catalog = options.openapi.catalog ?? chatOpenApiCatalog;
  const problems = catalogProblems(catalog, [...seen]);
  if (problems.length > 0) throw new PlatformConfigError(problems.join('; '));
  return {
    authenticator: options.authenticator,
    metrics: options.metrics,
    logger: options.logger,
    openapi: { ...options.openapi, catalog, endpoints },
    publicPaths: options.publicPaths ?? defaultPublicPaths,
    rateLimits: new Map(Object.entries(options.rateLimits ?? {})),
    ...(options.errorMapping ? { errorMapping: options.errorMapping } : {}),
  };
}

/** True when `path` equals an entry or starts with an entry ending in `/`. */
export function isPublicPath(path: string, publicPaths: readonly string[]): boolean {
  return publicPaths.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}
