import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One provider call as a fake received it. */
export interface ProviderCall {
  /** Twilio: `To`; action endpoint: `payload.message.source_recipient_id`. */
  readonly recipient: string;
  /** Twilio: `Body`; action endpoint: `payload.message.content.text`. */
  readonly text: string;
  /** Twilio: `From`; action endpoint: `payload.conversation.source_channel_id`. */
  readonly from: string;
  /** The `Idempotency-Key` header (the action endpoint; Twilio's API has none). */
  readonly idempotencyKey: string | undefined;
  /** Auth (Basic for Twilio) or signature (action endpoint) checked. */
  readonly authentic: boolean;
  /** The provider id it answered (or would have, had the caller still listened). */
  readonly providerId: string;
}

/**
 * The base of the local providers: an HTTP server whose answers can be held back `delayMs` (sends in
 * flight while the connector is killed). Answers to a caller that went away are written into the void,
 * as a real provider's.
 */
abstract class HeldProvider {
  readonly calls: ProviderCall[] = [];
  /** How long each answer is held back. */
  delayMs = 0;
  url = '';
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  async start(path = ''): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  protected abstract answer(req: IncomingMessage, body: string): { status: number; body: unknown };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { status, body } = this.answer(req, Buffer.concat(chunks).toString('utf8'));
    const reply = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (this.delayMs <= 0) return reply();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      reply();
    }, this.delayMs);
    this.timers.add(timer);
  }
}

/**
 * Twilio's Messages resource (`POST /2010-04-01/Accounts/{sid}/Messages.json`, Basic auth, form body) for
 * one account: 201 with the message resource. Twilio takes no idempotency key: a repeated call is a
 * second SMS, and it is recorded as such.
 */
export class LocalTwilio extends HeldProvider {
  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {
    super();
  }

  protected answer(req: IncomingMessage, text: string): { status: number; body: unknown } {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    const params = new URLSearchParams(text);
    const authentic = match[1] === this.accountSid && req.headers.authorization === `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    const sid = `SM${randomBytes(16).toString('hex')}`;
    this.calls.push({ recipient: params.get('To') ?? '', from: params.get('From') ?? '', text: params.get('Body') ?? '', idempotencyKey: undefined, authentic, providerId: sid });
    if (!authentic) return { status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } };
    return {
      status: 201,
      body: { sid, account_sid: this.accountSid, from: params.get('From'), to: params.get('To'), body: params.get('Body'), status: 'queued', direction: 'outbound-api', api_version: '2010-04-01', error_code: null, error_message: null },
    };
  }
}

/**
 * A custom source's action endpoint that deduplicates on `Idempotency-Key`, as the Sources API asks
 * sources to: a repeated key gets the first answer again (same `source_message_id`) and is not delivered
 * to the source's user a second time. `deliveries` counts what reached users.
 */
export class LocalActionEndpoint extends HeldProvider {
  /** The source token (signature key), known once the source is created. */
  token = '';
  private readonly byKey = new Map<string, string>();

  get deliveries(): number {
    return this.byKey.size;
  }

  protected answer(req: IncomingMessage, text: string): { status: number; body: unknown } {
    const signature = String(req.headers['x-airy-content-signature'] ?? '');
    const expected = createHmac('sha256', this.token).update(text, 'utf8').digest('hex');
    const authentic = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    let payload: { message?: { source_recipient_id?: string; content?: { text?: string } }; conversation?: { source_channel_id?: string } } = {};
    try {
      payload = (JSON.parse(text) as { payload?: typeof payload }).payload ?? {};
    } catch {
      return { status: 400, body: { error: 'not JSON' } };
    }
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const providerId = (key !== undefined ? this.byKey.get(key) : undefined) ?? `src-${randomBytes(8).toString('hex')}`;
    this.calls.push({ recipient: payload.message?.source_recipient_id ?? '', from: payload.conversation?.source_channel_id ?? '', text: payload.message?.content?.text ?? '', idempotencyKey: key, authentic, providerId });
    if (!authentic) return { status: 401, body: { error: 'bad signature' } };
    if (key !== undefined) this.byKey.set(key, providerId);
    return { status: 200, body: { source_message_id: providerId } };
  }
}
