import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One provider call as a fake received it. */
export interface ProviderCall {
  /** Twilio: `To`; action endpoint: `payload.message.source_recipient_id`; Graph: `recipient.id`. */
  readonly recipient: string;
  /** Twilio: `Body`; action endpoint: `payload.message.content.text`; Graph: `message.text`. */
  readonly text: string;
  /** Twilio: `From`; action endpoint: `payload.conversation.source_channel_id`; Graph: the page whose token was used. */
  readonly from: string;
  /** The `Idempotency-Key` header (the action endpoint; Twilio's API has none). */
  readonly idempotencyKey: string | undefined;
  /** Auth (Basic for Twilio, the page token as Bearer for Graph) or signature (action endpoint) checked. */
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

/**
 * Graph's Send API for one Messenger page (`POST /{version}/me/messages`, the page token as Bearer or
 * `access_token`, JSON `{recipient:{id}, messaging_type, message}` → `{recipient_id, message_id}`; Graph's
 * `{"error":{…}}` bodies, code 190 for a bad token) and its user profiles (`GET /{version}/{psid}`). Like Meta,
 * every accepted send is echoed at once to `echoTo` as a signed `message_echoes` webhook with our app id and
 * the send's `metadata`, whether or not the caller still waits for the answer. Graph takes no idempotency
 * key: a repeated call is a second message to the person, recorded as such.
 */
export class LocalGraph extends HeldProvider {
  /** Our `/facebook` webhook, once known. */
  echoTo: string | undefined;
  /** What our webhook answered to each echo (0: not reachable, e.g. while the connector is down). */
  readonly echoed: number[] = [];
  /** The PSIDs whose profiles were asked for (`GET /{version}/{psid}`), in order. */
  readonly profiles: string[] = [];
  private readonly echoes = new Set<Promise<void>>();

  constructor(
    readonly pageId: string,
    readonly pageToken: string,
    readonly appSecret: string,
    readonly appId: string,
  ) {
    super();
  }

  /** Posts a webhook body as Meta does: JSON with `X-Hub-Signature-256` (HMAC-SHA256 of the exact bytes with the app secret). */
  async deliver(url: string, body: unknown): Promise<number> {
    const bytes = Buffer.from(JSON.stringify(body));
    const signature = `sha256=${createHmac('sha256', this.appSecret).update(bytes).digest('hex')}`;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: bytes });
    await response.arrayBuffer();
    return response.status;
  }

  /** A contact's message to the page, as Meta's `messages` webhook carries it. */
  contactMessage(psid: string, mid: string, text: string): unknown {
    return { object: 'page', entry: [{ id: this.pageId, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: this.pageId }, timestamp: Date.now(), message: { mid, text } }] }] };
  }

  /** Waits until every echo posted so far was answered (or refused). */
  async echoesDone(): Promise<void> {
    await Promise.allSettled([...this.echoes]);
  }

  override async close(): Promise<void> {
    await this.echoesDone();
    await super.close();
  }

  protected answer(req: IncomingMessage, text: string): { status: number; body: unknown } {
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice('Bearer '.length) : undefined;
    const authentic = (bearer ?? url.searchParams.get('access_token')) === this.pageToken;
    const parts = url.pathname.split('/').filter(Boolean);
    const unknownPath = { status: 400, body: graphError('Unknown path components', 'OAuthException', 2500) };
    if (!/^v[0-9]+\.[0-9]+$/.test(parts[0] ?? '')) return unknownPath;
    if (req.method === 'GET' && parts.length === 2) {
      if (!authentic) return { status: 401, body: graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190) };
      this.profiles.push(parts[1]!);
      return { status: 200, body: { first_name: 'Contact', last_name: parts[1], profile_pic: `https://example.com/${parts[1]}.jpg`, id: parts[1] } };
    }
    if (req.method !== 'POST' || parts.length !== 3 || parts[1] !== 'me' || parts[2] !== 'messages') return unknownPath;
    let body: { recipient?: { id?: unknown }; message?: { text?: unknown; metadata?: unknown } & Record<string, unknown> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return { status: 400, body: graphError('(#100) param recipient must be non-empty.', 'OAuthException', 100) };
    }
    const recipient = typeof body.recipient?.id === 'string' ? body.recipient.id : '';
    const mid = `m_${randomBytes(24).toString('base64url')}`;
    this.calls.push({ recipient, from: this.pageId, text: typeof body.message?.text === 'string' ? body.message.text : '', idempotencyKey: undefined, authentic, providerId: mid });
    if (!authentic) return { status: 401, body: graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190) };
    if (recipient === '' || body.message === undefined) return { status: 400, body: graphError('(#100) param recipient must be non-empty.', 'OAuthException', 100) };
    this.echo(recipient, mid, body.message);
    return { status: 200, body: { recipient_id: recipient, message_id: mid } };
  }

  private echo(recipient: string, mid: string, message: Record<string, unknown>): void {
    if (this.echoTo === undefined) return;
    const now = Date.now();
    const event = { sender: { id: this.pageId }, recipient: { id: recipient }, timestamp: now, message: { ...message, mid, is_echo: true, app_id: Number(this.appId) } };
    const delivery = this.deliver(this.echoTo, { object: 'page', entry: [{ id: this.pageId, time: now, messaging: [event] }] }).then(
      (status) => void this.echoed.push(status),
      () => void this.echoed.push(0),
    );
    this.echoes.add(delivery);
    void delivery.finally(() => this.echoes.delete(delivery));
  }
}

function graphError(message: string, type: string, code: number) {
  return { error: { message, type, code, fbtrace_id: `A${randomBytes(8).toString('hex')}` } };
}
