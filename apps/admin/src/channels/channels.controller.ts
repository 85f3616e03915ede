import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, ChatEndpoint } from '@platform/nest-platform';
import { sendAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { CHANNELS_LIST_LOCAL_PATH, ChannelsService } from './channels.service';

@Controller()
export class ChannelsController {
  constructor(@Inject(ChannelsService) private readonly channels: ChannelsService) {}

  @ChatEndpoint('channels.list')
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('channels.list') body: RequestBody<'channels.list'>): Promise<void> {
    sendAnswer(res, await this.channels.list(req, body));
  }

  /** This replica's part of channels.list, asked by the replica that gathers. */
  @Post(CHANNELS_LIST_LOCAL_PATH)
  @HttpCode(200)
  listLocal(@Res() res: HttpResponse, @ChatBody('channels.list') body: RequestBody<'channels.list'>): void {
    sendAnswer(res, this.channels.listLocal(body));
  }

  @ChatEndpoint('channels.info')
  async info(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('channels.info') body: RequestBody<'channels.info'>): Promise<void> {
    sendAnswer(res, await this.channels.info(req, body));
  }

  @ChatEndpoint('channels.update')
  async update(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('channels.update') body: RequestBody<'channels.update'>): Promise<void> {
    sendAnswer(res, await this.channels.update(req, body));
  }
}
