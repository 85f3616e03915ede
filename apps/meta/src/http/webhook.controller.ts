import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { Public, rawBodyOf, type PlatformResponse } from '@platform/nest-platform';
import { WebhookRejectedError } from '@platform/connector-kit';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { WebhookKind } from '../verifier';
import type { MetaWebhooks } from '../webhooks';
import { answering } from './http-errors';
import { META_WEBHOOKS } from './tokens';

type WebhookRequest = IncomingMessage & { readonly originalUrl: string };

/**
 * Meta's webhooks (public): `GET /facebook` and `GET /whatsapp` answer the verification handshake
 * (the challenge for `hub.mode=subscribe` with our verify token, 403 otherwise); `POST /facebook`
 * (Messenger, Instagram) and `POST /whatsapp` (WhatsApp Cloud) check `X-Hub-Signature-256` (403
 * otherwise) and write the body untouched to `source.facebook.events` / `source.whatsapp.events`.
 * 503 when the broker cannot take it, so Meta retries.
 */
@Controller()
export class WebhookController {
  constructor(@Inject(META_WEBHOOKS) private readonly webhooks: MetaWebhooks) {}

  @Public()
  @Get('facebook')
  facebookHandshake(@Query() query: Record<string, unknown>, @Res() res: PlatformResponse): void {
    this.handshake(query, res);
  }

  @Public()
  @Get('whatsapp')
  whatsappHandshake(@Query() query: Record<string, unknown>, @Res() res: PlatformResponse): void {
    this.handshake(query, res);
  }

  @Public()
  @Post('facebook')
  @HttpCode(200)
  facebook(@Req() req: WebhookRequest, @Res() res: PlatformResponse): Promise<void> {
    return this.receive('page', req, res);
  }

  @Public()
  @Post('whatsapp')
  @HttpCode(200)
  whatsapp(@Req() req: WebhookRequest, @Res() res: PlatformResponse): Promise<void> {
    return this.receive('whatsapp', req, res);
  }

  private handshake(query: Record<string, unknown>, res: PlatformResponse): void {
    const challenge = this.webhooks.handshake(query);
    if (challenge === undefined) {
      res.status(403).json({ message: 'verification refused: hub.mode must be subscribe and hub.verify_token must match' });
      return;
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.status(200).send(challenge);
  }

  private async receive(kind: WebhookKind, req: WebhookRequest, res: PlatformResponse): Promise<void> {
    await answering(() => this.webhooks.receive(kind, { target: req.originalUrl, headers: req.headers, encrypted: (req.socket as TLSSocket).encrypted === true, body: signedBytes(req) }));
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.status(200).send('EVENT_RECEIVED');
  }
}

/** The exact bytes Meta signed (kept by the platform's JSON parser); a webhook without a JSON body is 400. */
function signedBytes(req: WebhookRequest): Buffer {
  const body = rawBodyOf(req);
  if (body === undefined) throw new WebhookRejectedError(400, 'webhook body must be JSON (Content-Type: application/json)');
  return body;
}
