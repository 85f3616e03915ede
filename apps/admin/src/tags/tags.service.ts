import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { tagColorFromApi, tagPayload, type RequestBody, type TagPayload } from '@platform/chat-domain';
import { STREAMS_APPLICATION } from '@platform/nest-streams';
import type { Tag } from '@platform/schemas';
import type { QueryPosition, StreamsApplication } from '@platform/streams';
import type { WritePosition } from '@platform/chat-streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { StoreReads, type Written } from '../streams/store-reads';
import { AdminStores } from '../streams/stores';
import { compareByName } from '../common/by-name';
import { AdminError } from '../errors';

/**
 * tags.create / .list / .update / .delete on the replica holding the `tags` store (the tags topic has
 * one partition; the controller routes there): writes wait until the store has applied them and give
 * the resulting tag with the write's position.
 */
@Injectable()
export class TagsService {
  readonly store: StoreReads;

  constructor(
    @Inject(STREAMS_APPLICATION) app: StreamsApplication,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {
    this.store = new StoreReads(app, context.topology, AdminStores.tags, context);
  }

  /** A new tag with id `id`. */
  create(id: string, body: RequestBody<'tags.create'>): Promise<Written<TagPayload>> {
    return this.save({ id, name: body.name, color: colorOf(body.color) });
  }

  /** Every tag by name, after a read-your-writes position when given. */
  async list(position: QueryPosition | undefined): Promise<TagPayload[]> {
    const { values } = await this.store.allValues<Tag>(position);
    return values.sort(compareByName).map(tagPayload);
  }

  /** Changes name and/or colour; NotFoundException (404) for an unknown tag. */
  async update(body: RequestBody<'tags.update'>): Promise<Written<TagPayload>> {
    const current = await this.existing(body.id);
    return this.save({ ...current, ...(body.name !== undefined ? { name: body.name } : {}), ...(body.color !== undefined ? { color: colorOf(body.color) } : {}) });
  }

  /** Tombstones the tag (conversations keep their `tags.<id>` facts, as in Airy); 404 for an unknown tag. */
  async delete(body: RequestBody<'tags.delete'>): Promise<WritePosition> {
    await this.existing(body.id);
    const position = await this.store.write(() => this.context.writer.writeTag(body.id, null));
    await this.store.applied<Tag>(body.id, position);
    return position;
  }

  private async existing(id: string): Promise<Tag> {
    const current = await this.store.current<Tag>(id);
    if (current === undefined) throw new NotFoundException(`tag ${id} not found`);
    return current;
  }

  private async save(tag: Tag): Promise<Written<TagPayload>> {
    const result = await this.store.writeAndRead<Tag>(tag.id, () => this.context.writer.writeTag(tag.id, tag), 'tag');
    return { value: tagPayload(result.value), position: result.position };
  }
}

/** The request schema only lets API colour names (`tag-blue`…) through. */
function colorOf(apiColor: string): Tag['color'] {
  const color = tagColorFromApi(apiColor);
  if (color === undefined) throw new AdminError(`tag colour ${apiColor} passed validation but is not in the palette`);
  return color;
}
