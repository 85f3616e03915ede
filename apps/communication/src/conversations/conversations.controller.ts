import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Principal } from '@platform/auth';
import { compileFilter, mergePartialResults, resolvePageRequest, type RequestBody } from '@platform/chat-domain';
import { ChatBody, CurrentPrincipal } from '@platform/nest-platform';
import { STREAMS_APPLICATION, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { describeCoverage, gatherFromAllOwners, ownerEndpoints, partitionCoverage, type OwnerResult, type StreamsApplication } from '@platform/streams';
import { UnavailableError } from '../errors';
import { Routing } from '../http/routing';
import { COMMUNICATION, type CommunicationHandles } from '../http/settings';
import { compareListed, type LocalListPart } from './conversations.service';

/** conversations.* (Airy §2.2), including mark-read: unread counts live in this app's conversation store. */
@Controller()
export class ConversationsController {
  constructor(
    @Inject(Routing) private readonly routing: Routing,
    @Inject(COMMUNICATION) private readonly handles: CommunicationHandles,
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
  ) {}

  /** Gathers every owner's first `offset + page_size` matches and merges them into one page: no result cap. */
  @Post('conversations.list')
  async list(@ChatBody('conversations.list') body: RequestBody<'conversations.list'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.answer(res, async () => {
      const window = resolvePageRequest({ cursor: body.cursor, pageSize: body.page_size });
      compileFilter(body.filters ?? '');
      this.routing.checkedPosition(req);
      const limit = window.offset + window.pageSize;
      const self = this.app.metadata()?.endpoint;
      const owners = ownerEndpoints(this.app.allMetadata());
      if (owners.length === 0 || self === undefined) throw new UnavailableError('the streams application has no assignment yet; retry later');
      const gathered = await gatherFromAllOwners<LocalListPart>(owners, async (owner) => {
        if (owner === self) return { ok: true, items: [await this.handles.conversations.listLocal(body.filters, limit)] };
        return this.remotePart(owner, req, body.filters, limit);
      });
      if (!gathered.complete) {
        throw new UnavailableError(`could not list the conversations of ${gathered.failed.map((f) => `${f.endpoint} (${f.reason})`).join(', ')}; retry later`);
      }
      // Every partition must be answered exactly once: after a crash the group may still assign
      // tasks to the dead member until its session expires, and a task may move between two calls.
      const partitions = this.handles.topics.partitions.get(this.handles.topics.messages) ?? 0;
      const coverage = partitionCoverage(gathered.items, partitions);
      if (!coverage.complete) throw new UnavailableError(`conversations: ${describeCoverage(coverage)}; retry later`);
      const page = mergePartialResults(gathered.items, compareListed, window);
      return { body: { data: page.data.map((item) => item.payload), pagination_data: page.pagination_data } };
    });
  }

  @Post('conversations.info')
  async info(@ChatBody('conversations.info') body: RequestBody<'conversations.info'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const id = body.conversation_id;
    await this.routing.onOwner(req, res, id, async () => ({ body: await this.handles.conversations.info(id, this.routing.positionFor(req, id)) }));
  }

  @Post('conversations.tag')
  async tag(@ChatBody('conversations.tag') body: RequestBody<'conversations.tag'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.handles.conversations.tag(body.conversation_id, body.tag_id));
  }

  @Post('conversations.untag')
  async untag(@ChatBody('conversations.untag') body: RequestBody<'conversations.untag'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.handles.conversations.untag(body.conversation_id, body.tag_id));
  }

  @Post(['conversations.set-state', 'conversations.setState'])
  async setState(@ChatBody('conversations.set-state') body: RequestBody<'conversations.set-state'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.handles.conversations.setState(body.conversation_id, body.state));
  }

  @Post(['conversations.remove-state', 'conversations.removeState'])
  async removeState(@ChatBody('conversations.remove-state') body: RequestBody<'conversations.remove-state'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.handles.conversations.removeState(body.conversation_id));
  }

  @Post(['conversations.update-contact', 'conversations.updateContact'])
  async updateContact(
    @ChatBody('conversations.update-contact') body: RequestBody<'conversations.update-contact'>,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    await this.routing.onOwner(req, res, body.conversation_id, () => this.handles.conversations.updateContact(body.conversation_id, body.display_name));
  }

  @Post(['conversations.mark-read', 'conversations.markRead'])
  async markRead(
    @ChatBody('conversations.mark-read') body: RequestBody<'conversations.mark-read'>,
    @CurrentPrincipal() principal: Principal | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const userId = principal?.kind === 'user' ? principal.userId : undefined;
    await this.routing.onOwner(req, res, body.conversation_id, () => this.handles.conversations.markRead(body.conversation_id, userId));
  }

  private async remotePart(owner: string, req: HttpRequest, filters: string | undefined, limit: number): Promise<OwnerResult<LocalListPart>> {
    const response = await this.routing.callPeer(owner, req, '/internal/conversations.list-local', { filters: filters ?? '', limit });
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}` };
    return { ok: true, items: [(await response.json()) as LocalListPart] };
  }
}
