import type { IncomingMessage, RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpException, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@platform/common';
import { accessLogMiddleware } from './access-log';
import { TrustedProxies } from './client-address';
import { PlatformConfigError } from './errors';
import { bodyVerifier, defaultMaxBodyDepth } from './body-depth';
import { errorAnswer } from './exception.filter';
import type { PlatformRequest, PlatformResponse } from './http';
import { HttpMetrics } from './http-metrics';
import { ManagementHolder, managementGate, type ManagementOptions } from './management';
import { nestLogger } from './nest-logger';
import type { ResolvedPlatformOptions } from './options';
import { securityHeadersMiddleware } from './security-headers';
import { PLATFORM_OPTIONS } from './tokens';

export interface BootstrapApiOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** Nest's lines and the access log (one info line per request) go here. */
  readonly logger: Logger;
  /**
   * Proxies whose `X-Forwarded-For` names the client in the access log (addresses, CIDRs, `loopback`,
   * `linklocal`, `uniquelocal`; see `TrustedProxies`). Default: none, the socket's peer is logged.
   */
  readonly trustedProxies?: readonly string[];
  /** Allowed browser origins: a list, or `'*'` for any. Omitted: no CORS headers. */
  readonly cors?: readonly string[] | '*';
  /** Largest JSON body accepted, e.g. `'1mb'` or a byte count; larger bodies are 413. */
  readonly bodyLimit: string | number;
  /** Deepest nesting of objects/arrays a JSON body may have (default 32); deeper is 400, checked before parsing. */
  readonly maxBodyDepth?: number;
  /** Keep each accepted JSON body's exact bytes for `rawBodyOf` (webhooks signed over the raw body). Default false. */
  readonly keepRawBody?: boolean;
  /**
   * A management port serving `/metrics` and `/health/*` (and nothing else), for the cluster network.
   * With it, `/metrics` is 404 on the public port; without it, `/metrics` there needs the system token.
   */
  readonly management?: ManagementOptions;
}

export interface StartedApi {
  readonly app: INestApplication;
  /** `http://host:port` the app listens on. */
  readonly url: string;
  /** `http://host:port` of the management port, when configured. */
  readonly managementUrl?: string;
}

/** Headers browsers may send and read across origins. */
const corsAllowedHeaders = ['Authorization', 'Content-Type', 'x-streams-position', 'x-request-id'];
const corsExposedHeaders = ['Retry-After', 'x-streams-position', 'x-request-id'];

/**
 * Creates and starts an API app whose root module imports `PlatformModule.forRoot`: Nest logs through
 * the platform logger, shutdown hooks are on, every request gets a request id (sent back in
 * `x-request-id` on every answer) and an access log line, every answer carries the security headers, HTTP metrics
 * count every request, `/metrics` is kept to the management port (or the system token), JSON bodies
 * are parsed up to `bodyLimit` and `maxBodyDepth` (UTF-8 only), CORS is applied when configured, and
 * unknown routes answer 404 `{ message }`.
 */
export async function bootstrapApi(module: Type, options: BootstrapApiOptions): Promise<StartedApi> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    abortOnError: false,
    logger: nestLogger(options.logger),
  });
  try {
    app.enableShutdownHooks();
    app.disable('x-powered-by');
    // Express hashes every body sent for an ETag, which only GET/HEAD revalidation could use: our API is POST (profiled: ~1.5% of a list request).
    app.set('etag', false);
    let metrics: HttpMetrics;
    let platform: ResolvedPlatformOptions;
    let management: ManagementHolder;
    try {
      metrics = app.get(HttpMetrics);
      platform = app.get<ResolvedPlatformOptions>(PLATFORM_OPTIONS);
      management = app.get(ManagementHolder);
    } catch (cause) {
      throw new PlatformConfigError('bootstrapApi needs a module importing PlatformModule.forRoot', { cause });
    }
    app.use(accessLogMiddleware({ logger: options.logger, trustedProxies: new TrustedProxies(options.trustedProxies ?? []) }));
    app.use(securityHeadersMiddleware);
    app.use(metrics.middleware);
    app.use(
      managementGate({
        ...(options.management !== undefined ? { management: management.listener } : {}),
        authorizeMetrics: (req: IncomingMessage) => systemOnly(platform, req),
      }),
    );
    if (options.cors !== undefined) {
      app.enableCors({
        origin: options.cors === '*' ? '*' : [...options.cors],
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: corsAllowedHeaders,
        exposedHeaders: corsExposedHeaders,
        maxAge: 600,
      });
    }
    app.useBodyParser('json', { limit: options.bodyLimit, verify: bodyVerifier(options.maxBodyDepth ?? defaultMaxBodyDepth, options.keepRawBody === true) });
    // Body-parser refusals become HttpExceptions here; Nest would otherwise turn invalid JSON into a
    // 400 carrying the parser's message and drop the error's type.
    app.use((error: unknown, _req: PlatformRequest, _res: PlatformResponse, next: (error?: unknown) => void) => {
      const answer = errorAnswer(error);
      next(answer.status < 500 ? new HttpException({ message: answer.message }, answer.status) : error);
    });
    await app.listen(options.port, options.host);
    const address = app.getHttpServer().address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    if (options.management === undefined) return { app, url };
    const handler = app.getHttpAdapter().getInstance() as RequestListener;
    const managementUrl = await management.listener.listen(handler, options.management, options.host);
    return { app, url, managementUrl };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

/** `/metrics` on the public port without a management port: the system token only (not user JWTs). */
async function systemOnly(platform: ResolvedPlatformOptions, req: IncomingMessage): Promise<{ status: number; message: string } | undefined> {
  const header = req.headers.authorization;
  const result = await platform.authenticator.authenticate(Array.isArray(header) ? header[0] : header);
  if (!result.ok) return { status: 401, message: `${result.message} (/metrics needs the system token, or use the management port)` };
  if (result.principal.kind !== 'system') return { status: 403, message: '/metrics needs the system token' };
  return undefined;
}
