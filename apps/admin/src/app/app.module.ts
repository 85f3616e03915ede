import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { Authenticator } from '@platform/auth';
import type { RequestName } from '@platform/chat-domain';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { ChannelsController } from '../channels/channels.controller';
import { ChannelsService } from '../channels/channels.service';
import { TagsController } from '../tags/tags.controller';
import { TagsService } from '../tags/tags.service';
import { TemplatesController } from '../templates/templates.controller';
import { TemplatesService } from '../templates/templates.service';
import { ADMIN_CONTEXT, type AdminContext } from './admin-context';
import { AdminShutdown, ADMIN_SHUTDOWN } from './admin-shutdown';

/** The public endpoints of the admin app (also its OpenAPI document). */
export const adminEndpoints: readonly RequestName[] = [
  'channels.list',
  'channels.info',
  'channels.update',
  'tags.create',
  'tags.list',
  'tags.update',
  'tags.delete',
  'templates.create',
  'templates.list',
  'templates.info',
  'templates.update',
  'templates.delete',
];

export interface AdminModuleOptions {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly context: AdminContext;
  readonly auth: { readonly systemToken: string; readonly jwtSecret: string };
  readonly version: number;
  /** Run once Nest has shut down (producer, process metrics). */
  readonly onShutdown: () => Promise<void>;
  /** "Can accept writes" for `/health/writes`. */
  readonly writeProbe?: WriteProbe;
}

/**
 * The admin app's root module: the platform layer (auth on every route, validation, `{ message }`
 * errors, HTTP metrics, /openapi.json), the streams application (health, /metrics, query routing)
 * and the channels, tags and templates APIs.
 */
export function adminModule(options: AdminModuleOptions): Type {
  const { context } = options;
  const platform: DynamicModule = PlatformModule.forRoot({
    authenticator: new Authenticator(options.auth),
    metrics: options.metrics,
    logger: context.logger,
    openapi: { title: 'admin', version: String(options.version), description: 'Channels, tags and templates (Airy-compatible).', endpoints: adminEndpoints },
  });
  const streams: DynamicModule = StreamsModule.forRoot({
    application: () => options.app,
    metrics: options.metrics,
    retryAfterSeconds: context.retryAfterSeconds,
    forwardTimeoutMs: context.forwardTimeoutMs,
    positionTimeoutMs: context.writeTimeoutMs,
    ...(options.writeProbe ? { writeProbe: options.writeProbe } : {}),
  });

  @Module({
    imports: [platform, streams],
    controllers: [ChannelsController, TagsController, TemplatesController],
    providers: [
      { provide: ADMIN_CONTEXT, useValue: context },
      { provide: ADMIN_SHUTDOWN, useValue: options.onShutdown },
      AdminShutdown,
      ChannelsService,
      TagsService,
      TemplatesService,
    ],
  })
  class AdminModule {}
  return AdminModule;
}
