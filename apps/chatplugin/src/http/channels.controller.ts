import { Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { ChannelPayload, RequestBody } from '@platform/chat-domain';
import { ChatBody, type PlatformResponse } from '@platform/nest-platform';
import { formatPosition, POSITION_HEADER } from '@platform/nest-streams';
import type { ChatpluginService } from '../chatplugin-service';
import { answering } from './http-errors';
import { CHATPLUGIN_SERVICE } from './tokens';

/** `channels.chatplugin.connect/disconnect` (system token or user JWT). */
@Controller()
export class ChannelsController {
  constructor(@Inject(CHATPLUGIN_SERVICE) private readonly service: ChatpluginService) {}

  @Post('channels.chatplugin.connect')
  @HttpCode(200)
  async connect(@ChatBody('channels.chatplugin.connect') body: RequestBody<'channels.chatplugin.connect'>, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    const { value, position } = await answering(() => this.service.connect(body.name, body.image_url));
    res.setHeader(POSITION_HEADER, formatPosition(position));
    return value;
  }

  @Post('channels.chatplugin.disconnect')
  @HttpCode(200)
  async disconnect(@ChatBody('channels.chatplugin.disconnect') body: RequestBody<'channels.chatplugin.disconnect'>, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    const { value, position } = await answering(() => this.service.disconnect(body.channel_id));
    res.setHeader(POSITION_HEADER, formatPosition(position));
    return value;
  }
}
