import { randomUUID } from 'node:crypto';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, ChatEndpoint } from '@platform/nest-platform';
import { QueryRouter, sendAnswer, sendOutcome, jsonAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import type { Template } from '@platform/schemas';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { allAsPage, noContent, ok, positionOf, written } from '../http/replies';
import { TemplatesService } from './templates.service';

/** templates.* — every call runs on the replica holding the one-partition `templates` store (runOnOwner). */
@Controller()
export class TemplatesController {
  constructor(
    @Inject(TemplatesService) private readonly templates: TemplatesService,
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {}

  @ChatEndpoint('templates.create')
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.create') body: RequestBody<'templates.create'>): Promise<void> {
    const id = randomUUID();
    sendOutcome(res, await this.router.runOnOwner(req, this.templates.store.store, id, async () => written(201, await this.templates.create(id, body))));
  }

  @ChatEndpoint('templates.list')
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.list') body: RequestBody<'templates.list'>): Promise<void> {
    const store = this.templates.store.store;
    sendOutcome(res, await this.router.runOnOwner(req, store, store, async () => ok(allAsPage(await this.templates.list(body, positionOf(this.router, req, this.context.retryAfterSeconds))))));
  }

  /** Answered by the key's owner (QueryRouter.resolve: forwarded there, read-your-writes by position header); 404 for an unknown one. */
  @ChatEndpoint('templates.info')
  async info(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.info') body: RequestBody<'templates.info'>): Promise<void> {
    const outcome = await this.router.resolve<Template, string>(req, this.templates.store.store, body.id);
    if (outcome.kind === 'local') return sendAnswer(res, jsonAnswer(200, this.templates.payload(outcome.result.value)));
    sendAnswer(res, outcome.answer.status === 404 && 'json' in outcome.answer.body ? jsonAnswer(404, { message: `template ${body.id} not found` }) : outcome.answer);
  }

  @ChatEndpoint('templates.update')
  async update(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.update') body: RequestBody<'templates.update'>): Promise<void> {
    sendOutcome(res, await this.router.runOnOwner(req, this.templates.store.store, body.id, async () => written(200, await this.templates.update(body))));
  }

  @ChatEndpoint('templates.delete')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.delete') body: RequestBody<'templates.delete'>): Promise<void> {
    sendOutcome(res, await this.router.runOnOwner(req, this.templates.store.store, body.id, async () => noContent(await this.templates.delete(body))));
  }
}
