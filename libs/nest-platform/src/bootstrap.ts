import type { AddressInfo } from 'node:net';
import { HttpException, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@platform/common';
import { PlatformConfigError } from './errors';
import { errorAnswer } from './exception.filter';
import type { PlatformRequest, PlatformResponse } from './http';
import { HttpMetrics } from './http-metrics';
import { nestLogger } from './nest-logger';

export interface BootstrapApiOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
  /** Allowed browser origins: a list, or `'*'` for any. Omitted: no CORS headers. */
  readonly cors?: readonly string[] | '*';
  /** Largest JSON body accepted, e.g. `'1mb'` or a byte count; larger bodies are 413. */
  readonly bodyLimit: string | number;
}

export interface StartedApi {
  readonly app: INestApplication;
  /** `http://host:port` the app listens on. */
  readonly url: string;
}

/** Headers browsers may send and read across origins. */
const corsAllowedHeaders = ['Authorization', 'Content-Type', 'x-streams-position'];
const corsExposedHeaders = ['Retry-After', 'x-streams-position'];

/**
 * Creates and starts an API app whose root module imports `PlatformModule.forRoot`: Nest logs through
 * the platform logger, shutdown hooks are on, HTTP metrics count every request, JSON bodies are parsed
 * up to `bodyLimit`, CORS is applied when configured, and unknown routes answer 404 `{ message }`.
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
    let metrics: HttpMetrics;
    try {
      metrics = app.get(HttpMetrics);
    } catch (cause) {
      throw new PlatformConfigError('bootstrapApi needs a module importing PlatformModule.forRoot', { cause });
    }
    app.use(metrics.middleware);
    if (options.cors !== undefined) {
      app.enableCors({
        origin: options.cors === '*' ? '*' : [...options.cors],
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: corsAllowedHeaders,
        exposedHeaders: corsExposedHeaders,
        maxAge: 600,
      });
    }
    app.useBodyParser('json', { limit: options.bodyLimit });
    // Body-parser refusals become HttpExceptions here; Nest would otherwise turn invalid JSON into a
    // 400 carrying the parser's message and drop the error's type.
    app.use((error: unknown, _req: PlatformRequest, _res: PlatformResponse, next: (error?: unknown) => void) => {
      const answer = errorAnswer(error);
      next(answer.status < 500 ? new HttpException({ message: answer.message }, answer.status) : error);
    });
    await app.listen(options.port, options.host);
    const address = app.getHttpServer().address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { app, url: `http://${host}:${address.port}` };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
