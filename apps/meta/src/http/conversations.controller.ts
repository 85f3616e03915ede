import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { QueryRouter, sendAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import type { MetaRefetch } from '../refetch';
import { PAGE_STORE } from '../stores';
import { answering } from './http-errors';
import { META_REFETCH } from './tokens';

/**
 * `conversations.refetch` (Airy's, system token or user JWT; the gateway routes it here): `{conversation_id}` →
 * 202 `{}` once `contact.fetch_state` is dropped; the profile is fetched beside the answer and recorded as
 * `contact.*` metadata. Runs on the instance that owns the conversation's partition (forwarded there once).
 */
@Controller()
export class ConversationsController {
  constructor(
    @Inject(META_REFETCH) private readonly refetch: MetaRefetch,
    @Inject(QueryRouter) private readonly router: QueryRouter,
  ) {}

  @Post('conversations.refetch')
  async refetchContact(@Body() body: unknown, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const conversation = await answering(async () => this.refetch.conversationOf(body));
    const outcome = await this.router.runOnOwner(req, PAGE_STORE, conversation, () => answering(() => this.refetch.refetch(conversation)));
    if (outcome.kind === 'answer') sendAnswer(res, outcome.answer);
    else sendAnswer(res, { status: 202, headers: {}, body: { json: {} } });
  }
}
