import { BadRequestException, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { PlatformRequest } from '@platform/nest-platform';
import type { Message } from '@platform/schemas';
import type { HistoryReader } from '../delivery/history-reader';
import { HISTORY_LOCAL_PATH } from '../delivery/history-reader';
import { answering } from './http-errors';
import { HISTORY_READER } from './tokens';

/** Routes other replicas call (system token): the part of a read this instance owns, never forwarded. */
@Controller()
export class InternalController {
  constructor(@Inject(HISTORY_READER) private readonly history: HistoryReader) {}

  @Post(HISTORY_LOCAL_PATH.slice(1))
  @HttpCode(200)
  async historyLocal(@Req() req: PlatformRequest): Promise<{ messages: Message[] }> {
    const conversationId = (req.body as { conversation_id?: unknown } | undefined)?.conversation_id;
    if (typeof conversationId !== 'string' || conversationId === '') throw new BadRequestException('conversation_id is required');
    return answering(() => ({ messages: this.history.readLocal(conversationId) }));
  }
}
