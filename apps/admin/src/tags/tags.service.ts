import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { tagColorFromApi, tagPayload, type RequestBody } from '@platform/chat-domain';
import { QueryRouter, STREAMS_APPLICATION, type HttpAnswer, type HttpRequest } from '@platform/nest-streams';
import type { Tag } from '@platform/schemas';
import type { StreamsApplication } from '@platform/streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { json, listAnswer, noContent, notFound, written } from '../http/answers';
import { OwnerStore } from '../http/owner-store';
import { AdminStores } from '../streams/stores';
import { compareByName } from '../common/by-name';
import { AdminError } from '../errors';

/**
 * tags.create / .list / .update / .delete. The tags topic has one partition, so one replica holds
 * the `tags` store: every call runs there (forwarded when it arrives elsewhere), writes wait until
 * the store has applied them and answer the resulting tag with `x-streams-position`.
 */
@Injectable()
export class TagsService {
  private readonly tags: OwnerStore;

  constructor(
    @Inject(STREAMS_APPLICATION) app: StreamsApplication,
    @Inject(QueryRouter) router: QueryRouter,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {
    this.tags = new OwnerStore(app, router, context.topology, AdminStores.tags, context);
  }

  /** 201 with `{id, name, color}`; the id is a new random UUID. */
  create(req: HttpRequest, body: RequestBody<'tags.create'>): Promise<HttpAnswer> {
    const id = randomUUID();
    return this.tags.run(req, id, () => this.save(201, { id, name: body.name, color: colorOf(body.color) }));
  }

  list(req: HttpRequest): Promise<HttpAnswer> {
    return this.tags.runOnListOwner<Tag>(req, (tags) => listAnswer(tags.sort(compareByName).map(tagPayload)));
  }

  /** Changes name and/or colour; 404 for an unknown tag; 200 with the updated tag. */
  update(req: HttpRequest, body: RequestBody<'tags.update'>): Promise<HttpAnswer> {
    return this.tags.run(req, body.id, async () => {
      const current = await this.tags.current<Tag>(body.id);
      if (current.kind === 'answer') return current.answer;
      if (current.kind === 'absent') return notFound('tag', body.id);
      return this.save(200, { ...current.value, ...(body.name !== undefined ? { name: body.name } : {}), ...(body.color !== undefined ? { color: colorOf(body.color) } : {}) });
    });
  }

  /** Tombstones the tag (conversations keep their `tags.<id>` facts, as in Airy); 404 for an unknown tag; 204. */
  delete(req: HttpRequest, body: RequestBody<'tags.delete'>): Promise<HttpAnswer> {
    return this.tags.run(req, body.id, async () => {
      const current = await this.tags.current<Tag>(body.id);
      if (current.kind === 'answer') return current.answer;
      if (current.kind === 'absent') return notFound('tag', body.id);
      const position = await this.tags.write(() => this.context.writer.writeTag(body.id, null));
      const applied = await this.tags.applied<Tag>(body.id, position);
      return applied.kind === 'answer' ? applied.answer : noContent(position);
    });
  }

  private async save(status: number, tag: Tag): Promise<HttpAnswer> {
    const position = await this.tags.write(() => this.context.writer.writeTag(tag.id, tag));
    const applied = await this.tags.applied<Tag>(tag.id, position);
    if (applied.kind === 'answer') return applied.answer;
    if (applied.kind === 'absent') return json(409, { message: `tag ${tag.id} was deleted concurrently` });
    return written(status, tagPayload(applied.value), position);
  }
}

/** The request schema only lets API colour names (`tag-blue`…) through. */
function colorOf(apiColor: string): Tag['color'] {
  const color = tagColorFromApi(apiColor);
  if (color === undefined) throw new AdminError(`tag colour ${apiColor} passed validation but is not in the palette`);
  return color;
}
