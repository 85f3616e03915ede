import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { Authenticator } from '@platform/auth';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { webhooksOpenApi } from '../subscriptions/responses';
import { WEBHOOKS_SERVICE, WebhooksController } from '../subscriptions/webhooks.controller';
import type { WebhooksService } from '../subscriptions/webhooks.service';

const WEBHOOKS_SHUTDOWN = Symbol('WEBHOOKS_SHUTDOWN');

/** Releases what startWebhooks opened outside Nest, after Nest (and the streams application) has shut down. */
@Injectable()
class WebhooksShutdown implements OnApplicationShutdown {
  constructor(@Inject(WEBHOOKS_SHUTDOWN) private readonly release: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.release();
  }
}

export interface WebhooksModuleOptions {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly service: WebhooksService;
  readonly logger: Logger;
  readonly auth: { readonly systemToken: string; readonly jwtSecret: string };
  readonly version: number;
  readonly onShutdown: () => Promise<void>;
  readonly writeProbe?: WriteProbe;
}

/** Root module: the platform layer (auth, `{ message }` errors, metrics), the streams application (health, /metrics) and the webhooks API. */
export function webhooksModule(options: WebhooksModuleOptions): Type {
  const platform: DynamicModule = PlatformModule.forRoot({
    authenticator: new Authenticator(options.auth),
    metrics: options.metrics,
    logger: options.logger,
    openapi: { title: 'webhooks', version: String(options.version), description: 'Webhook subscriptions (Airy-compatible) and signed event delivery.', ...webhooksOpenApi },
  });
  const streams: DynamicModule = StreamsModule.forRoot({
    application: () => options.app,
    metrics: options.metrics,
    retryAfterSeconds: 1,
    ...(options.writeProbe ? { writeProbe: options.writeProbe } : {}),
  });

  @Module({
    imports: [platform, streams],
    controllers: [WebhooksController],
    providers: [{ provide: WEBHOOKS_SERVICE, useValue: options.service }, { provide: WEBHOOKS_SHUTDOWN, useValue: options.onShutdown }, WebhooksShutdown],
  })
  class WebhooksModule {}
  return WebhooksModule;
}
