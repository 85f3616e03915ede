import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, ChatEndpoint } from '@platform/nest-platform';
import { QueryRouter, jsonAnswer, sendAnswer, sendOutcome, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { allAsPage, ok, written } from '../http/replies';
import type { ChannelDocument } from '../streams/channel-document';
import { mergeChannelParts, type ChannelListPart } from './channel-list';
import { CHANNELS_LIST_LOCAL_PATH, ChannelsService } from './channels.service';

/** channels.* — lists gathered from every replica, info and update on the channel's owner (the owner-routing layer). */
@Controller()
export class ChannelsController {
  constructor(
    @Inject(ChannelsService) private readonly channels: ChannelsService,
    @Inject(QueryRouter) private readonly router: QueryRouter,
  ) {}

  /** 503 unless every partition of the channels topic answered exactly once. */
  @ChatEndpoint('channels.list')
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('channels.list') body: RequestBody<'channels.list'>): Promise<void> {
    const gathered = await this.router.gatherList<ChannelListPart>(req, {
      what: 'channels',
      path: CHANNELS_LIST_LOCAL_PATH,
      body,
      partitions: this.channels.partitions,
      local: () => this.channels.localPart(body),
      isPart: isChannelListPart,
    });
    sendAnswer(res, gathered.ok ? jsonAnswer(200, allAsPage(mergeChannelParts(gathered.parts))) : gathered.answer);
  }

  /** This replica's part of channels.list, asked by the replica that gathers. */
  @Post(CHANNELS_LIST_LOCAL_PATH)
  @HttpCode(200)
  listLocal(@ChatBody('channels.list') body: RequestBody<'channels.list'>): ChannelListPart {
    return this.channels.localPart(body);
  }

  @ChatEndpoint('channels.info')
  async info(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('channels.info') body: RequestBody<'channels.info'>): Promise<void> {
    const id = body.channel_id;
    const outcome = await this.router.resolve<ChannelDocument, string>(req, this.channels.store.store, id);
    if (outcome.kind === 'local') return sendAnswer(res, jsonAnswer(200, this.channels.payload(id, outcome.result.value)));
    sendAnswer(res, outcome.answer.status === 404 && 'json' in outcome.answer.body ? jsonAnswer(404, { message: `channel ${id} not found` }) : outcome.answer);
  }

  @ChatEndpoint('channels.update')
  async update(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('channels.update') body: RequestBody<'channels.update'>): Promise<void> {
    sendOutcome(
      res,
      await this.router.runOnOwner(req, this.channels.store.store, body.channel_id, async () => {
        const result = await this.channels.update(body);
        return 'position' in result ? written(200, result) : ok(result);
      }),
    );
  }
}

function isChannelListPart(body: unknown): body is ChannelListPart {
  const part = body as Partial<ChannelListPart> | null;
  return typeof part === 'object' && part !== null && Array.isArray(part.data) && Array.isArray(part.partitions) && part.partitions.every((p) => Number.isInteger(p));
}
