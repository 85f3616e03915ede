import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { ChannelPayload } from '@platform/chat-domain';
import type { PlatformResponse } from '@platform/nest-platform';
import { formatPosition, POSITION_HEADER } from '@platform/nest-streams';
import type { MetaChannels } from '../channels-service';
import { FACEBOOK, INSTAGRAM, WHATSAPP } from '../meta-channels';
import type { MetaWebhooks } from '../webhooks';
import { answering } from './http-errors';
import { META_CHANNELS, META_WEBHOOKS } from './tokens';

/**
 * `channels.facebook.explore`, `channels.facebook.connect/disconnect`, `channels.instagram.connect/disconnect`,
 * `channels.whatsapp.connect/disconnect` (system token or user JWT).
 */
@Controller()
export class ChannelsController {
  constructor(
    @Inject(META_CHANNELS) private readonly channels: MetaChannels,
    @Inject(META_WEBHOOKS) private readonly webhooks: MetaWebhooks,
  ) {}

  @Post('channels.facebook.explore')
  @HttpCode(200)
  explore(@Body() body: unknown): Promise<unknown> {
    return answering(() => this.webhooks.explore(body));
  }

  @Post('channels.facebook.connect')
  @HttpCode(200)
  facebookConnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.connect(FACEBOOK, body));
  }

  @Post('channels.facebook.disconnect')
  @HttpCode(200)
  facebookDisconnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.disconnect(FACEBOOK, body));
  }

  @Post('channels.instagram.connect')
  @HttpCode(200)
  instagramConnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.connect(INSTAGRAM, body));
  }

  @Post('channels.instagram.disconnect')
  @HttpCode(200)
  instagramDisconnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.disconnect(INSTAGRAM, body));
  }

  @Post('channels.whatsapp.connect')
  @HttpCode(200)
  whatsappConnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.connect(WHATSAPP, body));
  }

  @Post('channels.whatsapp.disconnect')
  @HttpCode(200)
  whatsappDisconnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.disconnect(WHATSAPP, body));
  }

  private async run(res: PlatformResponse, work: () => ReturnType<MetaChannels['connect']>): Promise<ChannelPayload> {
    const { value, position } = await answering(work);
    res.setHeader(POSITION_HEADER, formatPosition(position));
    return value;
  }
}
