import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Principal } from '@platform/auth';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, CurrentPrincipal } from '@platform/nest-platform';
import type { HttpRequest, HttpResponse } from '@platform/nest-streams';
import { Answers } from '../http/answers';
import { ConversationLister } from './conversation-lister';
import { ConversationsService } from './conversations.service';

/** conversations.* (Airy §2.2), including mark-read: unread counts live in this app's conversation store. */
@Controller()
export class ConversationsController {
  constructor(
    @Inject(Answers) private readonly routing: Answers,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(ConversationLister) private readonly lister: ConversationLister,
  ) {}

  /** Every replica's matches merged into one page (ConversationLister). */
  @Post('conversations.list')
  async list(@ChatBody('conversations.list') body: RequestBody<'conversations.list'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.answer(res, async () => {
      // A bad x-streams-position is still the client's error (400), though a list does not wait on it.
      this.routing.checkedPosition(req);
      return { body: await this.lister.list(req, body) };
    });
  }

  @Post('conversations.info')
  async info(@ChatBody('conversations.info') body: RequestBody<'conversations.info'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const id = body.conversation_id;
    await this.routing.onOwner(req, res, id, async () => ({ body: await this.conversations.info(id, this.routing.positionFor(req, id)) }));
  }

  @Post('conversations.tag')
  async tag(@ChatBody('conversations.tag') body: RequestBody<'conversations.tag'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.conversations.tag(body.conversation_id, body.tag_id));
  }

  @Post('conversations.untag')
  async untag(@ChatBody('conversations.untag') body: RequestBody<'conversations.untag'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.conversations.untag(body.conversation_id, body.tag_id));
  }

  @Post(['conversations.set-state', 'conversations.setState'])
  async setState(@ChatBody('conversations.set-state') body: RequestBody<'conversations.set-state'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.conversations.setState(body.conversation_id, body.state));
  }

  @Post(['conversations.remove-state', 'conversations.removeState'])
  async removeState(@ChatBody('conversations.remove-state') body: RequestBody<'conversations.remove-state'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.conversations.removeState(body.conversation_id));
  }

  @Post(['conversations.update-contact', 'conversations.updateContact'])
  async updateContact(
    @ChatBody('conversations.update-contact') body: RequestBody<'conversations.update-contact'>,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.conversations.updateContact(body.conversation_id, body.display_name));
  }

  @Post(['conversations.mark-read', 'conversations.markRead'])
  async markRead(
    @ChatBody('conversations.mark-read') body: RequestBody<'conversations.mark-read'>,
    @CurrentPrincipal() principal: Principal | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const userId = principal?.kind === 'user' ? principal.userId : undefined;
    await this.routing.onOwner(req, res, body.conversation_id, () => this.conversations.markRead(body.conversation_id, userId));
  }
}
