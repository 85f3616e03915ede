import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import { resolvePageRequest } from '@platform/chat-domain';
import { answerStampWatch, KNOWN_STAMP_FIELD, stampedPart, type HttpResponse } from '@platform/nest-streams';
import { BadRequestError, NotFoundError, UnavailableError } from '../errors';
import { Answers } from '../http/answers';
import { ConversationsService } from '../conversations/conversations.service';
import { MessagesService } from '../messages/messages.service';
import { SERVICE_CONTEXT, type ServiceContext } from '../service-context';
import { MESSAGES_LOCATE_PATH } from '../messages/message-locator';
import { CONVERSATIONS_LIST_LOCAL_PATH, CONVERSATIONS_LIST_STAMP_PATH } from '../conversations/conversation-lister';

/**
 * Routes the replicas call on each other (protected like every other route; callers pass on the
 * client's Authorization): this replica's part of a conversation list, and whether it has a message.
 */
@Controller('internal')
export class InternalController {
  constructor(
    @Inject(Answers) private readonly routing: Answers,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(SERVICE_CONTEXT) private readonly context: ServiceContext,
  ) {}

  /**
   * `{ filters, cursor, page_size, known_stamp? }` → `{ items: [{ id, last_message_at, payload }], before, after, total, partitions, stamp? }`
   * of the local tasks, or `{ unchanged: true, stamp }` when `known_stamp` is still this replica's part stamp.
   */
  @Post(CONVERSATIONS_LIST_LOCAL_PATH.slice('/internal/'.length))
  async listLocal(@Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    await this.routing.answer(res, async () => {
      const { filters, cursor, page_size: pageSize, [KNOWN_STAMP_FIELD]: known } = (body ?? {}) as { filters?: unknown; cursor?: unknown; page_size?: unknown; [KNOWN_STAMP_FIELD]?: unknown };
      if (filters !== undefined && typeof filters !== 'string') throw new BadRequestError('filters must be a string');
      if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') throw new BadRequestError('cursor must be a string');
      if (typeof pageSize !== 'number') throw new BadRequestError('page_size must be a number');
      // The domain's own checks (bad cursor, page size out of range) answer 400 through the error mapping.
      const window = resolvePageRequest({ cursor: cursor ?? null, pageSize });
      // Unchanged since the part the caller holds: say so instead of sending it again.
      return { body: await stampedPart(known, () => this.conversations.partStamp(), () => this.conversations.listLocal(filters, window)) };
    });
  }

  /**
   * A stamp watch of another replica: `{ known_stamp, hold_ms }` → `{ stamp }`, this replica's part stamp,
   * answered as soon as it is not `known_stamp` (held up to `hold_ms`, at most 3 s).
   */
  @Post(CONVERSATIONS_LIST_STAMP_PATH.slice('/internal/'.length))
  async listStamp(@Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    await this.routing.answer(res, async () => ({ body: await answerStampWatch(this.conversations.partStamps, body) }));
  }

  /** `{ message_id }` → `{ conversation_id }` when a local task holds the message, else 404. */
  @Post(MESSAGES_LOCATE_PATH.slice('/internal/'.length))
  async locate(@Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    await this.routing.answer(res, async () => {
      const messageId = (body as { message_id?: unknown } | undefined)?.message_id;
      if (typeof messageId !== 'string' || messageId === '') throw new BadRequestError('message_id must be a non-empty string');
      const conversationId = this.messages.locate(messageId);
      if (conversationId !== undefined) return { body: { conversation_id: conversationId } };
      if (!this.context.access.ready()) throw new UnavailableError('the streams application is not running; retry later');
      throw new NotFoundError(`message ${messageId} not found here`);
    });
  }
}
