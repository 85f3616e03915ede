import { Module, type Type } from '@nestjs/common';
import type { Authenticator } from '@platform/auth';
import type { Logger } from '@platform/common';
import type { RawIngress } from '@platform/connector-kit';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule, ShutdownSteps } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import type { TwilioChannels } from './channels-service';
import { ChannelsController } from './http/channels.controller';
import { TWILIO_CHANNELS, TWILIO_INGRESS } from './http/tokens';
import { WebhookController } from './http/webhook.controller';

export interface TwilioModuleParts {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  readonly channels: TwilioChannels;
  readonly ingress: RawIngress;
  readonly lifecycle: ShutdownSteps;
  readonly version: string;
  readonly writeProbe?: WriteProbe;
}

/** The root module: platform (auth, errors, metrics), the streams app, the channel and webhook controllers. */
export function twilioModule(parts: TwilioModuleParts): Type {
  @Module({
    imports: [
      PlatformModule.forRoot({
        authenticator: parts.authenticator,
        metrics: parts.metrics,
        logger: parts.logger,
        openapi: {
          title: 'twilio',
          version: parts.version,
          description:
            'Twilio SMS and WhatsApp connector: POST /channels.twilio.sms.connect|disconnect, /channels.twilio.whatsapp.connect|disconnect (JSON, system token or user JWT) and the public webhook POST /twilio (form-encoded, X-Twilio-Signature).',
          endpoints: [],
        },
      }),
      StreamsModule.forRoot({ application: parts.app, metrics: parts.metrics, ...(parts.writeProbe ? { writeProbe: parts.writeProbe } : {}) }),
    ],
    controllers: [ChannelsController, WebhookController],
    providers: [
      { provide: TWILIO_CHANNELS, useValue: parts.channels },
      { provide: TWILIO_INGRESS, useValue: parts.ingress },
      { provide: ShutdownSteps, useValue: parts.lifecycle },
    ],
  })
  class TwilioModule {}
  return TwilioModule;
}
