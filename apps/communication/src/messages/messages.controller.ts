import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Principal } from '@platform/auth';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, CurrentPrincipal } from '@platform/nest-platform';
import type { HttpRequest, HttpResponse } from '@platform/nest-streams';
import { Answers } from '../http/answers';
import { MessageLocator } from './message-locator';
import { MessagesService, sendTarget } from './messages.service';

/** The id outbound messages carry as sender: the user, or `system-token` for the machine token (Airy's naming). */
export function senderIdOf(principal: Principal | undefined): string {
  if (principal?.kind === 'user') return principal.userId;
  return 'system-token';
}

/** messages.* (Airy §2.3). */
@Controller()
export class MessagesController {
  constructor(
    @Inject(Answers) private readonly routing: Answers,
    @Inject(MessageLocator) private readonly locator: MessageLocator,
    @Inject(MessagesService) private readonly messages: MessagesService,
  ) {}

  @Post('messages.list')
  async list(@ChatBody('messages.list') body: RequestBody<'messages.list'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const id = body.conversation_id;
    await this.routing.onOwner(req, res, id, async () => ({ body: await this.messages.list(id, body.cursor, body.page_size, this.routing.positionFor(req, id)) }));
  }

  @Post('messages.send')
  async send(
    @ChatBody('messages.send') body: RequestBody<'messages.send'>,
    @CurrentPrincipal() principal: Principal | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    await this.routing.onOwner(req, res, sendTarget(body), () => this.messages.send(body, senderIdOf(principal)));
  }

  @Post('messages.resend')
  async resend(@ChatBody('messages.resend') body: RequestBody<'messages.resend'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    let conversationId: string;
    try {
      conversationId = await this.locator.conversationOf(req, body.message_id);
    } catch (error) {
      await this.routing.answer(res, () => Promise.reject(error));
      return;
    }
    await this.routing.onOwner(req, res, conversationId, () => this.messages.resend(conversationId, body.message_id));
  }
}
