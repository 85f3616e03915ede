import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Messages create request as the fake received it. */
export interface ReceivedMessage {
  readonly accountSid: string;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly params: URLSearchParams;
}

/**
 * A local Twilio REST API for the Messages resource (`POST /2010-04-01/Accounts/{sid}/Messages.json`),
 * speaking Twilio's wire format: HTTP Basic auth with account sid and auth token, form-encoded body,
 * 201 with the message resource, or Twilio's error body (`{code, message, more_info, status}`).
 * `To` = `invalidNumber` gets error 21211; `throttledOnce` gets 429 / 20429 (Too Many Requests) on its first
 * send, `rateLimited` on every send; `unavailable` gets 503 / 20503 on every send; a wrong Basic auth gets 401 / 20003.
 */
export class FakeTwilio {
  readonly received: ReceivedMessage[] = [];
  static readonly invalidNumber = '+15005550001';
  static readonly throttledOnce = '+15005550011';
  static readonly rateLimited = '+15005550012';
  static readonly unavailable = '+15005550013';
  private readonly throttled = new Set<string>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly accounts: ReadonlyMap<string, string>) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return { status: 404, body: error(20404, 'The requested resource was not found', 404) };
    const accountSid = match[1]!;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const authorization = req.headers.authorization;
    this.received.push({ accountSid, authorization, userAgent: req.headers['user-agent'], params });
    const token = this.accounts.get(accountSid);
    if (token === undefined || authorization !== `Basic ${Buffer.from(`${accountSid}:${token}`).toString('base64')}`) {
      return { status: 401, body: error(20003, 'Authenticate', 401) };
    }
    const to = params.get('To');
    if (to === FakeTwilio.invalidNumber) return { status: 400, body: error(21211, `The 'To' number ${to} is not a valid phone number.`, 400) };
    if (to === FakeTwilio.rateLimited || (to === FakeTwilio.throttledOnce && !this.throttled.has(to))) {
      this.throttled.add(to);
      return { status: 429, body: error(20429, 'Too Many Requests', 429) };
    }
    if (to === FakeTwilio.unavailable) return { status: 503, body: error(20503, 'Service Unavailable', 503) };
    const now = new Date().toUTCString();
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return {
      status: 201,
      body: {
        sid, account_sid: accountSid, from: params.get('From'), to, body: params.get('Body') ?? '', status: 'queued', num_segments: '1', num_media: String(params.getAll('MediaUrl').length),
        direction: 'outbound-api', api_version: '2010-04-01', price: null, price_unit: 'USD', error_code: null, error_message: null, messaging_service_sid: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`, subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        date_created: now, date_sent: null, date_updated: now,
      },
    };
  }
}

function error(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
