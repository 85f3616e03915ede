import { Module, type Type } from '@nestjs/common';
import type { Authenticator } from '@platform/auth';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule, ShutdownSteps } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { SourceApiController } from './http/source-api.controller';
import { SourcesController } from './http/sources.controller';
import { SOURCE_CHANNELS, SOURCE_REGISTRY, SOURCE_WEBHOOK } from './http/tokens';
import type { SourceChannels } from './source-channels';
import type { SourceRegistry } from './source-registry';
import type { SourceWebhook } from './source-webhook';

export interface SourcesModuleParts {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  readonly registry: SourceRegistry;
  readonly channels: SourceChannels;
  readonly webhook: SourceWebhook;
  readonly lifecycle: ShutdownSteps;
  readonly version: string;
  readonly writeProbe?: WriteProbe;
}

/** The root module: platform (auth, errors, metrics), the streams app, the source management and source-token controllers. */
export function sourcesModule(parts: SourcesModuleParts): Type {
  @Module({
    imports: [
      PlatformModule.forRoot({
        authenticator: parts.authenticator,
        metrics: parts.metrics,
        logger: parts.logger,
        openapi: {
          title: 'sources',
          version: parts.version,
          description:
            'Custom Sources API (Airy integration-source-api): POST /sources.create|update|list|delete (system token), /sources.channels.create|list|disconnect and /sources.webhook (source token); outbound messages are POSTed to the source action_endpoint, signed with X-Airy-Content-Signature.',
          endpoints: [],
        },
      }),
      StreamsModule.forRoot({ application: parts.app, metrics: parts.metrics, ...(parts.writeProbe ? { writeProbe: parts.writeProbe } : {}) }),
    ],
    controllers: [SourcesController, SourceApiController],
    providers: [
      { provide: SOURCE_REGISTRY, useValue: parts.registry },
      { provide: SOURCE_CHANNELS, useValue: parts.channels },
      { provide: SOURCE_WEBHOOK, useValue: parts.webhook },
      { provide: ShutdownSteps, useValue: parts.lifecycle },
    ],
  })
  class SourcesModule {}
  return SourcesModule;
}
