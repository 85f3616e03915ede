import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { readBoundedBody, WebhookRejectedError, type RawIngress } from '@platform/connector-kit';
import { Public, type PlatformResponse } from '@platform/nest-platform';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { maxWebhookBytes } from '../verifier';
import { answering } from './http-errors';
import { TWILIO_INGRESS } from './tokens';

/**
 * `POST /twilio`: inbound messages and status callbacks (public; `X-Twilio-Signature` checked, 403
 * otherwise). The body is written untouched to `source.twilio.events`; the answer is an empty TwiML
 * `<Response/>` (no auto-reply). 503 when the broker cannot take it, so Twilio retries.
 */
@Controller()
export class WebhookController {
  constructor(@Inject(TWILIO_INGRESS) private readonly ingress: RawIngress) {}

  @Public()
  @Post('twilio')
  @HttpCode(200)
  async receive(@Req() req: IncomingMessage & { readonly originalUrl: string }, @Res() res: PlatformResponse): Promise<void> {
    await answering(async () => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      // Checked before reading: only form bodies are left unparsed for us (JSON ones were parsed already).
      if (type !== 'application/x-www-form-urlencoded') throw new WebhookRejectedError(415, 'Twilio webhooks are application/x-www-form-urlencoded');
      const body = await readBoundedBody(req, maxWebhookBytes);
      await this.ingress.accept({ target: req.originalUrl, headers: req.headers, encrypted: (req.socket as TLSSocket).encrypted === true, body });
    });
    res.setHeader('Content-Type', 'text/xml; charset=utf-8');
    res.status(200).send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  }
}
