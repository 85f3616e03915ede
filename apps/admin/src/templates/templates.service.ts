import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { templatePayload, type RequestBody, type TemplatePayload } from '@platform/chat-domain';
import type { WritePosition } from '@platform/chat-streams';
import { STREAMS_APPLICATION } from '@platform/nest-streams';
import type { Template } from '@platform/schemas';
import type { QueryPosition, StreamsApplication } from '@platform/streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { StoreReads, type Written } from '../streams/store-reads';
import { AdminStores } from '../streams/stores';
import { selectTemplates } from './template-list';

/**
 * templates.create / .list / .info / .update / .delete on the replica holding the one-partition
 * `templates` store (the controller routes there); writes give the resulting template once the store
 * has applied it, with the write's position. `content` is any JSON, stored as its JSON text.
 */
@Injectable()
export class TemplatesService {
  readonly store: StoreReads;

  constructor(
    @Inject(STREAMS_APPLICATION) app: StreamsApplication,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {
    this.store = new StoreReads(app, context.topology, AdminStores.templates, context);
  }

  create(id: string, body: RequestBody<'templates.create'>): Promise<Written<TemplatePayload>> {
    return this.save({ id, name: body.name, source: body.source, content: JSON.stringify(body.content) });
  }

  async list(body: RequestBody<'templates.list'>, position: QueryPosition | undefined): Promise<TemplatePayload[]> {
    const { values } = await this.store.allValues<Template>(position);
    return selectTemplates(values, body.source, body.name).map(templatePayload);
  }

  /** The API payload of a stored template. */
  payload(template: Template): TemplatePayload {
    return templatePayload(template);
  }

  async update(body: RequestBody<'templates.update'>): Promise<Written<TemplatePayload>> {
    const current = await this.existing(body.id);
    return this.save({
      ...current,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.source !== undefined ? { source: body.source } : {}),
      ...(body.content !== undefined ? { content: JSON.stringify(body.content) } : {}),
    });
  }

  async delete(body: RequestBody<'templates.delete'>): Promise<WritePosition> {
    await this.existing(body.id);
    const position = await this.store.write(() => this.context.writer.writeTemplate(body.id, null));
    await this.store.applied<Template>(body.id, position);
    return position;
  }

  private async existing(id: string): Promise<Template> {
    const current = await this.store.current<Template>(id);
    if (current === undefined) throw new NotFoundException(`template ${id} not found`);
    return current;
  }

  private async save(template: Template): Promise<Written<TemplatePayload>> {
    const result = await this.store.writeAndRead<Template>(template.id, () => this.context.writer.writeTemplate(template.id, template), 'template');
    return { value: templatePayload(result.value), position: result.position };
  }
}
