import { Inject, Injectable } from '@nestjs/common';
import { QueryRouter, STREAMS_APPLICATION, type HttpRequest } from '@platform/nest-streams';
import { ownerEndpoints, type StreamsApplication } from '@platform/streams';
import { NotFoundError, UnavailableError } from '../errors';
import { SERVICE_CONTEXT, type ServiceContext } from '../service-context';
import { MessagesService } from './messages.service';

/** Internal route answering whether a replica's tasks hold a message (protected like the public API). */
export const MESSAGES_LOCATE_PATH = '/internal/messages.locate';

/**
 * Finds the conversation of a message known by id only (messages.resend): from this replica's message
 * index, else by asking every other replica through the owner-routing layer's peer client.
 */
@Injectable()
export class MessageLocator {
  constructor(
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(SERVICE_CONTEXT) private readonly context: ServiceContext,
  ) {}

  /** NotFoundError when every replica answered without it; UnavailableError when one could not answer. */
  async conversationOf(req: HttpRequest, messageId: string): Promise<string> {
    const local = this.messages.locate(messageId);
    if (local !== undefined) return local;
    const self = this.app.metadata()?.endpoint;
    if (!this.context.access.ready() || self === undefined) throw new UnavailableError('the streams application is not running yet; retry later');
    const peers = ownerEndpoints(this.app.allMetadata()).filter((endpoint) => endpoint !== self);
    const answers = await Promise.all(peers.map((peer) => this.locateOn(peer, req, messageId)));
    const found = answers.find((answer) => typeof answer === 'string');
    if (found !== undefined) return found;
    if (answers.some((answer) => answer === 'unavailable')) throw new UnavailableError(`could not ask every replica for message ${messageId}; retry later`);
    throw new NotFoundError(`message ${messageId} not found`);
  }

  private async locateOn(peer: string, req: HttpRequest, messageId: string): Promise<string | 'missing' | 'unavailable'> {
    const reply = await this.router.peers.post<{ conversation_id?: unknown }>(peer, MESSAGES_LOCATE_PATH, { message_id: messageId }, { on: req });
    if (!reply.ok) return reply.status === 404 ? 'missing' : 'unavailable';
    return typeof reply.body.conversation_id === 'string' ? reply.body.conversation_id : 'unavailable';
  }
}
