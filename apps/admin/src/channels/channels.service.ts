import { Inject, Injectable } from '@nestjs/common';
import { metadataUpsert, MetadataKeys, type MetadataChange, type RequestBody } from '@platform/chat-domain';
import { QueryRouter, STREAMS_APPLICATION, type HttpAnswer, type HttpRequest } from '@platform/nest-streams';
import type { StreamsApplication } from '@platform/streams';
import { ADMIN_CONTEXT, type AdminContext } from '../app/admin-context';
import { json, listAnswer, notFound, written } from '../http/answers';
import { OwnerStore } from '../http/owner-store';
import { channelDocumentPayload, type ChannelDocument } from '../streams/channel-document';
import { AdminStores } from '../streams/stores';
import { listableChannels, mergeChannelParts, type ChannelListPart } from './channel-list';

/** Internal route answering one replica's part of `channels.list` (protected like the public API). */
export const CHANNELS_LIST_LOCAL_PATH = 'internal/channels.list-local';

/**
 * channels.list / .info / .update. The `channels` store is spread over the replicas by channel id:
 * info and update run on the channel's owner, list gathers every owner's part and answers 503
 * unless every partition answered.
 */
@Injectable()
export class ChannelsService {
  private readonly channels: OwnerStore;

  constructor(
    @Inject(STREAMS_APPLICATION) app: StreamsApplication,
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(ADMIN_CONTEXT) private readonly context: AdminContext,
  ) {
    this.channels = new OwnerStore(app, router, context.topology, AdminStores.channels, context);
  }

  async list(req: HttpRequest, body: RequestBody<'channels.list'>): Promise<HttpAnswer> {
    const gathered = await this.router.gatherList<ChannelListPart>(req, {
      what: 'channels',
      path: CHANNELS_LIST_LOCAL_PATH,
      body,
      partitions: this.context.topics.partitions.get(this.context.topics.channels) ?? 0,
      local: () => {
        const part = this.localPart(body);
        if (!part.ok) throw new Error(part.reason);
        return part.part;
      },
      isPart: isChannelListPart,
    });
    return gathered.ok ? listAnswer(mergeChannelParts(gathered.parts)) : gathered.answer;
  }

  /** This replica's part of the list (internal route). */
  listLocal(body: RequestBody<'channels.list'>): HttpAnswer {
    const part = this.localPart(body);
    return part.ok ? json(200, part.part) : this.channels.unavailable(part.reason);
  }

  async info(req: HttpRequest, body: RequestBody<'channels.info'>): Promise<HttpAnswer> {
    const id = body.channel_id;
    const outcome = await this.router.resolve<ChannelDocument, string>(req, AdminStores.channels, id);
    if (outcome.kind === 'answer') return outcome.answer.status === 404 && 'json' in outcome.answer.body ? notFound('channel', id) : outcome.answer;
    const payload = channelDocumentPayload(outcome.result.value);
    return payload ? json(200, payload) : notFound('channel', id);
  }

  /** Writes `name` / `image_url` as channel metadata on the channel's owner and answers the updated channel. */
  update(req: HttpRequest, body: RequestBody<'channels.update'>): Promise<HttpAnswer> {
    const id = body.channel_id;
    return this.channels.run(req, id, async () => {
      const current = await this.channels.current<ChannelDocument>(id);
      if (current.kind === 'answer') return current.answer;
      const payload = current.kind === 'value' ? channelDocumentPayload(current.value) : undefined;
      if (!payload) return notFound('channel', id);
      const subject = { kind: 'channel' as const, id };
      // Later facts win: never stamp an update before the fact it replaces (clocks of replicas differ).
      const facts = current.kind === 'value' ? Object.values(current.value.metadata) : [];
      const stamp = (key: string) => Math.max(this.context.clock(), ...facts.filter((f) => f.key === key).map((f) => f.timestamp + 1));
      const changes: MetadataChange[] = [];
      if (body.name !== undefined) changes.push(metadataUpsert(subject, MetadataKeys.name, body.name, stamp(MetadataKeys.name)));
      if (body.image_url !== undefined) changes.push(metadataUpsert(subject, MetadataKeys.imageUrl, body.image_url, stamp(MetadataKeys.imageUrl)));
      if (changes.length === 0) return json(200, payload);
      const position = await this.channels.write(() => this.context.writer.writeMetadata(subject, changes));
      const applied = await this.channels.applied<ChannelDocument>(id, position);
      if (applied.kind === 'answer') return applied.answer;
      const updated = applied.kind === 'value' ? channelDocumentPayload(applied.value) : undefined;
      return updated ? written(200, updated, position) : notFound('channel', id);
    });
  }

  private localPart(body: RequestBody<'channels.list'>): { ok: true; part: ChannelListPart } | { ok: false; reason: string } {
    const local = this.channels.localValues<ChannelDocument>();
    if ('answer' in local) return { ok: false, reason: messageOf(local.answer) };
    return { ok: true, part: { data: listableChannels(local.values, body.source), partitions: local.partitions } };
  }
}

function isChannelListPart(body: unknown): body is ChannelListPart {
  const part = body as Partial<ChannelListPart> | null;
  return typeof part === 'object' && part !== null && Array.isArray(part.data) && Array.isArray(part.partitions) && part.partitions.every((p) => Number.isInteger(p));
}

function messageOf(answer: HttpAnswer): string {
  const body = 'json' in answer.body ? (answer.body.json as { message?: unknown }) : undefined;
  return typeof body?.message === 'string' ? body.message : `HTTP ${answer.status}`;
}
