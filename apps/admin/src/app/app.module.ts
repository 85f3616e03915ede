import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Authenticator } from '@platform/auth';
import type { MetricsRegistry } from '@platform/metrics';
import { StreamsModule } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { ChannelsController } from '../channels/channels.controller';
import { ChannelsService } from '../channels/channels.service';
import { AUTHENTICATOR, AuthGuard } from '../http/auth.guard';
import { TagsController } from '../tags/tags.controller';
import { TagsService } from '../tags/tags.service';
import { TemplatesController } from '../templates/templates.controller';
import { TemplatesService } from '../templates/templates.service';
import { ADMIN_CONTEXT, type AdminContext } from './admin-context';

export interface AdminModuleOptions {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly context: AdminContext;
  readonly auth: { readonly systemToken: string; readonly jwtSecret: string };
}

/** Wires the admin app: the streams application (health, metrics, query routing) and the channels, tags and templates APIs. */
@Module({})
export class AdminModule {
  static forRoot(options: AdminModuleOptions): DynamicModule {
    const { context } = options;
    return {
      module: AdminModule,
      imports: [
        StreamsModule.forRoot({
          application: () => options.app,
          metrics: options.metrics,
          retryAfterSeconds: context.retryAfterSeconds,
          forwardTimeoutMs: context.forwardTimeoutMs,
          positionTimeoutMs: context.writeTimeoutMs,
        }),
      ],
      controllers: [ChannelsController, TagsController, TemplatesController],
      providers: [
        { provide: ADMIN_CONTEXT, useValue: context },
        { provide: AUTHENTICATOR, useValue: new Authenticator(options.auth) },
        { provide: APP_GUARD, useClass: AuthGuard },
        ChannelsService,
        TagsService,
        TemplatesService,
      ],
    };
  }
}
