import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { metadataUpsert, MetadataKeys, type ChannelPayload, type MetadataChange, type RequestBody } from '@platform/chat-domain';
import { STREAMS_APPLICATION } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { channelDocumentPayload, type ChannelDocument } from '../streams/channel-document';
import { StoreReads, type Written } from '../streams/store-reads';
import { AdminStores } from '../streams/stores';
import { listableChannels, type ChannelListPart } from './channel-list';

/** Internal route answering one replica's part of `channels.list` (protected like the public API). */
export const CHANNELS_LIST_LOCAL_PATH = 'internal/channels.list-local';

/**
 * channels.list / .info / .update over the `channels` store, spread over the replicas by channel id:
 * the controller runs update on the channel's owner and gathers every replica's part of the list.
 */
@Injectable()
export class ChannelsService {
  readonly store: StoreReads;

  constructor(
    @Inject(STREAMS_APPLICATION) app: StreamsApplication,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {
    this.store = new StoreReads(app, context.topology, AdminStores.channels, context);
  }

  /** Partition count of the channels topic: a gathered list is complete when each answered once. */
  get partitions(): number {
    return this.context.topics.partitions.get(this.context.topics.channels) ?? 0;
  }

  /** This replica's part of the list; RetryLaterException (503) while its store cannot answer. */
  localPart(body: RequestBody<'channels.list'>): ChannelListPart {
    const local = this.store.localValues<ChannelDocument>();
    return { data: listableChannels(local.values, body.source), partitions: local.partitions };
  }

  /** The API payload of a stored channel document, or NotFoundException (404). */
  payload(id: string, document: ChannelDocument | undefined): ChannelPayload {
    const payload = document === undefined ? undefined : channelDocumentPayload(document);
    if (!payload) throw new NotFoundException(`channel ${id} not found`);
    return payload;
  }

  /** Writes `name` / `image_url` as channel metadata and gives the updated channel (run on its owner). */
  async update(body: RequestBody<'channels.update'>): Promise<ChannelPayload | Written<ChannelPayload>> {
    const id = body.channel_id;
    const current = await this.store.current<ChannelDocument>(id);
    const payload = this.payload(id, current);
    const subject = { kind: 'channel' as const, id };
    // Later facts win: never stamp an update before the fact it replaces (clocks of replicas differ).
    const facts = current ? Object.values(current.metadata) : [];
    const stamp = (key: string) => Math.max(this.context.clock(), ...facts.filter((f) => f.key === key).map((f) => f.timestamp + 1));
    const changes: MetadataChange[] = [];
    if (body.name !== undefined) changes.push(metadataUpsert(subject, MetadataKeys.name, body.name, stamp(MetadataKeys.name)));
    if (body.image_url !== undefined) changes.push(metadataUpsert(subject, MetadataKeys.imageUrl, body.image_url, stamp(MetadataKeys.imageUrl)));
    if (changes.length === 0) return payload;
    const position = await this.store.write(() => this.context.writer.writeMetadata(subject, changes));
    return { value: this.payload(id, await this.store.applied<ChannelDocument>(id, position)), position };
  }
}
