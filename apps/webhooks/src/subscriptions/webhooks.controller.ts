import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { sendAnswer, type HttpResponse } from '@platform/nest-streams';
import { validateWebhookRequest, type WebhookRequestName } from './requests';
import { WebhooksService } from './webhooks.service';

export const WEBHOOKS_SERVICE = Symbol('WEBHOOKS_SERVICE');

/** Airy's webhooks endpoints (POST, JSON, 200; errors `{ message }`), behind the platform's auth guard. */
@Controller()
export class WebhooksController {
  constructor(@Inject(WEBHOOKS_SERVICE) private readonly service: WebhooksService) {}

  @Post('webhooks.subscribe')
  @HttpCode(200)
  async subscribe(@Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    const request = validated('webhooks.subscribe', body, res);
    if (request) sendAnswer(res, await this.service.subscribe(request));
  }

  @Post('webhooks.update')
  @HttpCode(200)
  async update(@Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    const request = validated('webhooks.update', body, res);
    if (request) sendAnswer(res, await this.service.update(request));
  }

  @Post('webhooks.unsubscribe')
  @HttpCode(200)
  async unsubscribe(@Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    const request = validated('webhooks.unsubscribe', body, res);
    if (request) sendAnswer(res, await this.service.unsubscribe(request));
  }

  @Post('webhooks.info')
  @HttpCode(200)
  info(@Body() body: unknown, @Res() res: HttpResponse): void {
    const request = validated('webhooks.info', body, res);
    if (request) sendAnswer(res, this.service.info(request));
  }

  @Post('webhooks.list')
  @HttpCode(200)
  list(@Body() body: unknown, @Res() res: HttpResponse): void {
    if (validated('webhooks.list', body, res)) sendAnswer(res, this.service.list());
  }
}

function validated<N extends WebhookRequestName>(endpoint: N, body: unknown, res: HttpResponse) {
  const result = validateWebhookRequest(endpoint, body);
  if (result.ok) return result.value;
  sendAnswer(res, { status: result.status, headers: {}, body: { json: { message: result.message } } });
  return undefined;
}
