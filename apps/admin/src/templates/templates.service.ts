import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { templatePayload, type RequestBody } from '@platform/chat-domain';
import { QueryRouter, STREAMS_APPLICATION, type HttpAnswer, type HttpRequest } from '@platform/nest-streams';
import type { Template } from '@platform/schemas';
import type { StreamsApplication } from '@platform/streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { json, listAnswer, noContent, notFound, written } from '../http/answers';
import { OwnerStore } from '../http/owner-store';
import { AdminStores } from '../streams/stores';
import { selectTemplates } from './template-list';

/**
 * templates.create / .list / .info / .update / .delete. One partition, so one replica holds the
 * `templates` store and every call runs there; writes answer the resulting template once the store
 * has applied it, with `x-streams-position`. `content` is any JSON, stored as its JSON text.
 */
@Injectable()
export class TemplatesService {
  private readonly templates: OwnerStore;

  constructor(
    @Inject(STREAMS_APPLICATION) app: StreamsApplication,
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {
    this.templates = new OwnerStore(app, router, context.topology, AdminStores.templates, context);
  }

  create(req: HttpRequest, body: RequestBody<'templates.create'>): Promise<HttpAnswer> {
    const id = randomUUID();
    return this.templates.run(req, id, () => this.save(201, { id, name: body.name, source: body.source, content: JSON.stringify(body.content) }));
  }

  list(req: HttpRequest, body: RequestBody<'templates.list'>): Promise<HttpAnswer> {
    return this.templates.runOnListOwner<Template>(req, (all) => listAnswer(selectTemplates(all, body.source, body.name).map(templatePayload)));
  }

  async info(req: HttpRequest, body: RequestBody<'templates.info'>): Promise<HttpAnswer> {
    const outcome = await this.router.resolve<Template, string>(req, AdminStores.templates, body.id);
    if (outcome.kind === 'local') return json(200, templatePayload(outcome.result.value));
    return outcome.answer.status === 404 && 'json' in outcome.answer.body ? notFound('template', body.id) : outcome.answer;
  }

  update(req: HttpRequest, body: RequestBody<'templates.update'>): Promise<HttpAnswer> {
    return this.templates.run(req, body.id, async () => {
      const current = await this.templates.current<Template>(body.id);
      if (current.kind === 'answer') return current.answer;
      if (current.kind === 'absent') return notFound('template', body.id);
      const next: Template = {
        ...current.value,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.source !== undefined ? { source: body.source } : {}),
        ...(body.content !== undefined ? { content: JSON.stringify(body.content) } : {}),
      };
      return this.save(200, next);
    });
  }

  delete(req: HttpRequest, body: RequestBody<'templates.delete'>): Promise<HttpAnswer> {
    return this.templates.run(req, body.id, async () => {
      const current = await this.templates.current<Template>(body.id);
      if (current.kind === 'answer') return current.answer;
      if (current.kind === 'absent') return notFound('template', body.id);
      const position = await this.templates.write(() => this.context.writer.writeTemplate(body.id, null));
      const applied = await this.templates.applied<Template>(body.id, position);
      return applied.kind === 'answer' ? applied.answer : noContent(position);
    });
  }

  private async save(status: number, template: Template): Promise<HttpAnswer> {
    const position = await this.templates.write(() => this.context.writer.writeTemplate(template.id, template));
    const applied = await this.templates.applied<Template>(template.id, position);
    if (applied.kind === 'answer') return applied.answer;
    if (applied.kind === 'absent') return json(409, { message: `template ${template.id} was deleted concurrently` });
    return written(status, templatePayload(applied.value), position);
  }
}
