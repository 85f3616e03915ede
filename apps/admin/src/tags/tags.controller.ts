import { randomUUID } from 'node:crypto';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, ChatEndpoint } from '@platform/nest-platform';
import { QueryRouter, sendOutcome, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { allAsPage, noContent, ok, positionOf, written } from '../http/replies';
import { TagsService } from './tags.service';

/** tags.* — every call runs on the replica holding the one-partition `tags` store (runOnOwner). */
@Controller()
export class TagsController {
  constructor(
    @Inject(TagsService) private readonly tags: TagsService,
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {}

  @ChatEndpoint('tags.create')
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.create') body: RequestBody<'tags.create'>): Promise<void> {
    const id = randomUUID();
    sendOutcome(res, await this.router.runOnOwner(req, this.tags.store.store, id, async () => written(201, await this.tags.create(id, body))));
  }

  @ChatEndpoint('tags.list')
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.list') _body: RequestBody<'tags.list'>): Promise<void> {
    const store = this.tags.store.store;
    sendOutcome(res, await this.router.runOnOwner(req, store, store, async () => ok(allAsPage(await this.tags.list(positionOf(this.router, req, this.context.retryAfterSeconds))))));
  }

  @ChatEndpoint('tags.update')
  async update(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.update') body: RequestBody<'tags.update'>): Promise<void> {
    sendOutcome(res, await this.router.runOnOwner(req, this.tags.store.store, body.id, async () => written(200, await this.tags.update(body))));
  }

  @ChatEndpoint('tags.delete')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.delete') body: RequestBody<'tags.delete'>): Promise<void> {
    sendOutcome(res, await this.router.runOnOwner(req, this.tags.store.store, body.id, async () => noContent(await this.tags.delete(body))));
  }
}
