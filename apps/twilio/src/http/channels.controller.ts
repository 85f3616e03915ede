import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { ChannelPayload } from '@platform/chat-domain';
import type { PlatformResponse } from '@platform/nest-platform';
import { formatPosition, POSITION_HEADER } from '@platform/nest-streams';
import type { TwilioChannels } from '../channels-service';
import { TWILIO_SMS, TWILIO_WHATSAPP } from '../twilio-channels';
import { answering } from './http-errors';
import { TWILIO_CHANNELS } from './tokens';

/** `channels.twilio.sms.connect/disconnect`, `channels.twilio.whatsapp.connect/disconnect` (system token or user JWT). */
@Controller()
export class ChannelsController {
  constructor(@Inject(TWILIO_CHANNELS) private readonly channels: TwilioChannels) {}

  @Post('channels.twilio.sms.connect')
  @HttpCode(200)
  smsConnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.connect(TWILIO_SMS, body));
  }

  @Post('channels.twilio.sms.disconnect')
  @HttpCode(200)
  smsDisconnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.disconnect(TWILIO_SMS, body));
  }

  @Post('channels.twilio.whatsapp.connect')
  @HttpCode(200)
  whatsappConnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.connect(TWILIO_WHATSAPP, body));
  }

  @Post('channels.twilio.whatsapp.disconnect')
  @HttpCode(200)
  whatsappDisconnect(@Body() body: unknown, @Res({ passthrough: true }) res: PlatformResponse): Promise<ChannelPayload> {
    return this.run(res, () => this.channels.disconnect(TWILIO_WHATSAPP, body));
  }

  private async run(res: PlatformResponse, work: () => ReturnType<TwilioChannels['connect']>): Promise<ChannelPayload> {
    const { value, position } = await answering(work);
    res.setHeader(POSITION_HEADER, formatPosition(position));
    return value;
  }
}
