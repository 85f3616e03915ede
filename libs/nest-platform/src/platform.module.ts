import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { PlatformExceptionFilter } from './exception.filter';
import { HttpMetrics } from './http-metrics';
import { ManagementHolder } from './management';
import { OpenApiController } from './openapi.controller';
import { resolvePlatformOptions, type PlatformModuleOptions } from './options';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { PLATFORM_OPTIONS } from './tokens';

/**
 * What every chat API app shares: `PlatformModule.forRoot({ authenticator, metrics, logger, openapi, rateLimits? })`
 * (global) installs the auth guard on every route (`@Public()` opts out), the rate-limit guard behind
 * `@RateLimit(name)`, the `{ message }` exception filter, HTTP metrics and `GET /openapi.json`. Start the
 * app with `bootstrapApi`, which adds the security headers, the metrics middleware, the management port,
 * the JSON body parser with its size and depth limits, CORS and JSON 404s.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [OpenApiController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: resolvePlatformOptions(options) },
        HttpMetrics,
        ManagementHolder,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: PlatformExceptionFilter },
      ],
      exports: [PLATFORM_OPTIONS, HttpMetrics],
    };
  }
}
