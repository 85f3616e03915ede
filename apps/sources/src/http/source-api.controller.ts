import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import type { ChannelPayload } from '@platform/chat-domain';
import { Public } from '@platform/nest-platform';
import type { SourceChannels } from '../source-channels';
import type { SourceRegistry } from '../source-registry';
import type { SourceWebhook } from '../source-webhook';
import { answering } from './http-errors';
import { SOURCE_CHANNELS, SOURCE_REGISTRY, SOURCE_WEBHOOK } from './tokens';

/**
 * The endpoints a source calls with its own token (`Authorization: Bearer <source token>`; 401 without
 * one, 403 for a wrong one): its channels and `sources.webhook`.
 */
@Controller()
export class SourceApiController {
  constructor(
    @Inject(SOURCE_REGISTRY) private readonly registry: SourceRegistry,
    @Inject(SOURCE_CHANNELS) private readonly channels: SourceChannels,
    @Inject(SOURCE_WEBHOOK) private readonly webhook: SourceWebhook,
  ) {}

  @Public()
  @Post('sources.channels.create')
  @HttpCode(201)
  create(@Body() body: unknown, @Headers('authorization') authorization: string | undefined): Promise<ChannelPayload> {
    return answering(() => this.channels.create(this.registry.authenticate(authorization), body));
  }

  @Public()
  @Post('sources.channels.list')
  @HttpCode(200)
  list(@Headers('authorization') authorization: string | undefined): Promise<{ data: ChannelPayload[] }> {
    return answering(() => this.channels.list(this.registry.authenticate(authorization)));
  }

  @Public()
  @Post('sources.channels.disconnect')
  @HttpCode(204)
  async disconnect(@Body() body: unknown, @Headers('authorization') authorization: string | undefined): Promise<void> {
    await answering(() => this.channels.disconnect(this.registry.authenticate(authorization), body));
  }

  @Public()
  @Post('sources.webhook')
  @HttpCode(200)
  async receive(@Body() body: unknown, @Headers('authorization') authorization: string | undefined): Promise<void> {
    await answering(() => this.webhook.accept(this.registry.authenticate(authorization), body));
  }
}
