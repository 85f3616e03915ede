import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import type { Authenticator } from '@platform/auth';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { PlatformModule, type OpenApiEndpoint } from '@platform/nest-platform';
import { StreamsModule, type WriteProbe } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { ConversationLister } from './conversations/conversation-lister';
import { ConversationsController } from './conversations/conversations.controller';
import { communicationErrorMapping } from './errors';
import { Answers } from './http/answers';
import { COMMUNICATION_SETTINGS, type CommunicationSettings } from './http/settings';
import { SERVICE_CONTEXT, type ServiceContext } from './service-context';
import { ConversationsService } from './conversations/conversations.service';
import { MessagesService } from './messages/messages.service';
import { MetadataService } from './metadata/metadata.service';
import { InternalController } from './internal/internal.controller';
import { MessageLocator } from './messages/message-locator';
import { MessagesController } from './messages/messages.controller';
import { MetadataController } from './metadata/metadata.controller';

/** The endpoints of the OpenAPI document (`GET /openapi.json`). */
export const communicationEndpoints: readonly OpenApiEndpoint[] = [
  { name: 'conversations.list', summary: 'Conversations, filtered (§2.2 filter language) and paginated, from every replica' },
  { name: 'conversations.info', summary: 'One conversation' },
  { name: 'conversations.tag', summary: 'Tag a conversation with an existing tag' },
  { name: 'conversations.untag', summary: 'Remove a tag from a conversation' },
  { name: 'conversations.set-state', summary: 'Set the workflow state' },
  { name: 'conversations.remove-state', summary: 'Remove the workflow state' },
  { name: 'conversations.update-contact', summary: "Rename the conversation's contact" },
  { name: 'conversations.mark-read', summary: 'Mark everything read: unread_count becomes 0' },
  { name: 'messages.list', summary: "A conversation's messages, newest first" },
  { name: 'messages.send', summary: 'Send a message (PENDING until the source connector delivers it)' },
  { name: 'messages.resend', summary: 'Send a FAILED message again', errors: [409] },
  { name: 'metadata.upsert', summary: 'Attach user data to a conversation, message or channel' },
];

export interface CommunicationModuleOptions {
  readonly application: StreamsApplication;
  /** What the services share (state, writer, lookups, clock); they are Nest providers built on it. */
  readonly context: ServiceContext;
  readonly settings: CommunicationSettings;
  readonly authenticator: Authenticator;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  readonly version: string;
  readonly positionTimeoutMs: number;
  /** Closed (together) after the streams application when Nest shuts down: global tables, the producer. */
  readonly resources: readonly { close(): Promise<void> }[];
  /** "Can accept writes" for `/health/writes`. */
  readonly writeProbe?: WriteProbe;
}

const RESOURCES = Symbol('communication-resources');

@Injectable()
class ResourcesLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(RESOURCES) private readonly resources: readonly { close(): Promise<void> }[]) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.resources.map((resource) => resource.close()));
  }
}

/** Root module: platform (auth, validation, errors, OpenAPI, HTTP metrics), the streams app, the controllers. */
@Module({})
export class CommunicationModule {
  static forRoot(options: CommunicationModuleOptions): DynamicModule {
    return {
      module: CommunicationModule,
      imports: [
        PlatformModule.forRoot({
          authenticator: options.authenticator,
          metrics: options.metrics,
          logger: options.logger,
          openapi: { title: 'communication', version: options.version, description: 'Conversations, messages, metadata and unread counts (Airy-compatible).', endpoints: communicationEndpoints },
          errorMapping: communicationErrorMapping(options.settings.retryAfterSeconds),
        }),
        StreamsModule.forRoot({
          application: options.application,
          metrics: options.metrics,
          retryAfterSeconds: options.settings.retryAfterSeconds,
          positionTimeoutMs: options.positionTimeoutMs,
          forwardTimeoutMs: options.settings.peerTimeoutMs,
          ...(options.writeProbe ? { writeProbe: options.writeProbe } : {}),
        }),
      ],
      controllers: [ConversationsController, MessagesController, MetadataController, InternalController],
      providers: [
        { provide: SERVICE_CONTEXT, useValue: options.context },
        { provide: COMMUNICATION_SETTINGS, useValue: options.settings },
        { provide: RESOURCES, useValue: options.resources },
        ConversationsService,
        MessagesService,
        MetadataService,
        Answers,
        MessageLocator,
        ConversationLister,
        ResourcesLifecycle,
      ],
    };
  }
}
