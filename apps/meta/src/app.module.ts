import { Module, type Type } from '@nestjs/common';
import type { Authenticator } from '@platform/auth';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule, ShutdownSteps } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import type { MetaChannels } from './channels-service';
import { ChannelsController } from './http/channels.controller';
import { ConversationsController } from './http/conversations.controller';
import { META_CHANNELS, META_REFETCH, META_WEBHOOKS } from './http/tokens';
import { WebhookController } from './http/webhook.controller';
import type { MetaRefetch } from './refetch';
import type { MetaWebhooks } from './webhooks';

export interface MetaModuleParts {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  readonly channels: MetaChannels;
  readonly webhooks: MetaWebhooks;
  readonly refetch: MetaRefetch;
  readonly lifecycle: ShutdownSteps;
  readonly version: string;
  readonly writeProbe?: WriteProbe;
}

/** The root module: platform (auth, errors, metrics), the Messenger/Instagram streams app, the channel and webhook controllers. */
export function metaModule(parts: MetaModuleParts): Type {
  @Module({
    imports: [
      PlatformModule.forRoot({
        authenticator: parts.authenticator,
        metrics: parts.metrics,
        logger: parts.logger,
        openapi: {
          title: 'meta',
          version: parts.version,
          description:
            'Messenger, Instagram and WhatsApp Cloud connector: POST /channels.facebook.explore|connect|disconnect, /channels.instagram.connect|disconnect, /channels.whatsapp.connect|disconnect and /conversations.refetch (JSON, system token or user JWT) and the public webhooks GET|POST /facebook and GET|POST /whatsapp (X-Hub-Signature-256).',
          endpoints: [],
        },
      }),
      StreamsModule.forRoot({ application: parts.app, metrics: parts.metrics, ...(parts.writeProbe ? { writeProbe: parts.writeProbe } : {}) }),
    ],
    controllers: [ChannelsController, ConversationsController, WebhookController],
    providers: [
      { provide: META_CHANNELS, useValue: parts.channels },
      { provide: META_WEBHOOKS, useValue: parts.webhooks },
      { provide: META_REFETCH, useValue: parts.refetch },
      { provide: ShutdownSteps, useValue: parts.lifecycle },
    ],
  })
  class MetaModule {}
  return MetaModule;
}
