import { Module, type Type } from '@nestjs/common';
import type { Authenticator } from '@platform/auth';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule, type RateLimitPolicy, ShutdownSteps } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import type { ChannelDirectory } from './channels';
import type { ChatpluginService } from './chatplugin-service';
import type { HistoryReader } from './delivery/history-reader';
import { ChannelsController } from './http/channels.controller';
import { InternalController } from './http/internal.controller';
import { AUTHENTICATOR, CHANNEL_DIRECTORY, CHATPLUGIN_SERVICE, HISTORY_READER } from './http/tokens';
import { VisitorController } from './http/visitor.controller';
import { VISITOR_RATE_LIMIT } from './http/visitor-rate-limits';

export interface ChatpluginModuleParts {
  readonly app: StreamsApplication;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  readonly service: ChatpluginService;
  readonly history: HistoryReader;
  readonly channels: ChannelDirectory;
  readonly lifecycle: ShutdownSteps;
  readonly version: string;
  /** Limits of the visitor endpoints (`@RateLimit(VISITOR_RATE_LIMIT)`). */
  readonly visitorRateLimit: RateLimitPolicy;
  /** "Can accept writes" for `/health/writes`. */
  readonly writeProbe?: WriteProbe;
}

/** The root module: platform (auth, validation, errors, OpenAPI, HTTP metrics), the streams app, the controllers. */
export function chatpluginModule(parts: ChatpluginModuleParts): Type {
  @Module({
    imports: [
      PlatformModule.forRoot({
        authenticator: parts.authenticator,
        metrics: parts.metrics,
        logger: parts.logger,
        rateLimits: { [VISITOR_RATE_LIMIT]: parts.visitorRateLimit },
        openapi: {
          title: 'chatplugin',
          version: parts.version,
          description: 'Web chat connector (source chatplugin): chat plugin channels and the visitor API. Visitor websocket: /ws.chatplugin, STOMP 1.2 (CONNECT header Authorization: Bearer <visitor token>, SUBSCRIBE /user/queue/message).',
          endpoints: [
            { name: 'channels.chatplugin.connect', summary: 'Connect a chat plugin channel' },
            { name: 'channels.chatplugin.disconnect', summary: 'Disconnect a chat plugin channel' },
            { name: 'chatplugin.authenticate', public: true, summary: 'Visitor: start (channel_id) or resume (resume_token) a conversation' },
            { name: 'chatplugin.resumeToken', public: true, summary: 'Visitor token (or system token + channel_id/conversation_id) → resume token', errors: [403] },
            { name: 'chatplugin.send', public: true, summary: 'Visitor: send a message' },
          ],
        },
      }),
      StreamsModule.forRoot({ application: parts.app, metrics: parts.metrics, ...(parts.writeProbe ? { writeProbe: parts.writeProbe } : {}) }),
    ],
    controllers: [ChannelsController, VisitorController, InternalController],
    providers: [
      { provide: CHATPLUGIN_SERVICE, useValue: parts.service },
      { provide: HISTORY_READER, useValue: parts.history },
      { provide: AUTHENTICATOR, useValue: parts.authenticator },
      { provide: CHANNEL_DIRECTORY, useValue: parts.channels },
      { provide: ShutdownSteps, useValue: parts.lifecycle },
    ],
  })
  class ChatpluginModule {}
  return ChatpluginModule;
}
