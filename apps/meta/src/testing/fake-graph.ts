import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubSignature } from '../signature';

/** A Graph API request as the fake received it. */
export interface GraphRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown> | undefined;
}

export interface FakePage {
  readonly id: string;
  readonly name: string;
  readonly token: string;
}

export interface FakeGraphOptions {
  /** Page tokens (Messenger and Instagram sends, profiles). */
  readonly pages: readonly FakePage[];
  /** WhatsApp access token → the phone number id it may send from. */
  readonly whatsapp: ReadonlyMap<string, string>;
  /** User token → pages it manages (`/me/accounts`). */
  readonly users: ReadonlyMap<string, readonly FakePage[]>;
  /** PSID → `{first_name, last_name, profile_pic}`. */
  readonly profiles: ReadonlyMap<string, Record<string, string>>;
  readonly appSecret: string;
  readonly appId: string;
  /**
   * Instagram users (IGSID → the Instagram account they write to): sends to them are echoed as Meta documents
   * Instagram echoes — `object: "instagram"`, sender = the account, `is_echo`, and neither `app_id` nor `metadata`.
   */
  readonly instagram?: ReadonlyMap<string, string>;
}

/**
 * A local Graph API speaking Meta's wire format (reference protocols §6): `POST /{v}/me/messages` (page
 * token as Bearer or `access_token`) → `{recipient_id, message_id}`, then, like Meta, the message's echo
 * to `echoTo` (a signed `message_echoes` webhook with our app id and `metadata`; for Instagram users an Instagram
 * echo without either); `POST /{v}/{phone-number-id}/messages`
 * → `{messaging_product, contacts, messages:[{id}]}`; `GET /{v}/{psid}?fields=…` profiles; `GET /{v}/me/accounts`;
 * Graph error bodies (`{"error":{message,type,code,error_subcode,fbtrace_id}}`): 190 for a bad token,
 * 551 for `blockedUser`, 131030 for `invalidWhatsApp`; throttling as Meta answers it: `throttledOnce`
 * gets code 4 (application request limit, HTTP 400) on its first send, `rateLimited` HTTP 429 with code 613
 * on every send, `unavailable` an HTTP 503 page without a Graph body (a proxy in front of Graph). It also
 * delivers signed (or badly signed) webhooks.
 */
export class FakeGraph {
  static readonly blockedUser = '9000000000000001';
  static readonly invalidWhatsApp = '15550009999';
  static readonly throttledOnce = '9000000000000002';
  static readonly rateLimited = '9000000000000003';
  static readonly unavailable = '9000000000000004';
  readonly received: GraphRequest[] = [];
  /** Where echoes of Messenger sends go (our `/facebook`), once set. */
  echoTo: string | undefined;
  /** Status codes our webhook answered to the echoes the fake posted. */
  readonly echoed: number[] = [];
  private readonly echoes = new Set<Promise<unknown>>();
  private readonly throttled = new Set<string>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: FakeGraphOptions) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        const text = typeof body === 'string';
        res.writeHead(status, { 'content-type': text ? 'text/html; charset=UTF-8' : 'application/json; charset=UTF-8' });
        res.end(text ? body : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until every echo posted so far has been answered. */
  async echoesDone(): Promise<void> {
    await Promise.allSettled([...this.echoes]);
  }

  async close(): Promise<void> {
    await this.echoesDone();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Posts a webhook as Meta does: JSON, `X-Hub-Signature-256` over the exact bytes (or a bad / no signature). */
  async deliver(url: string, body: unknown, signature: 'good' | 'bad' | 'none' = 'good'): Promise<{ status: number; text: string }> {
    const bytes = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
    if (signature !== 'none') headers['x-hub-signature-256'] = hubSignature(signature === 'good' ? this.options.appSecret : 'not-the-app-secret', bytes);
    const response = await fetch(url, { method: 'POST', headers, body: bytes });
    return { status: response.status, text: await response.text() };
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    this.received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });
    const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice('Bearer '.length) : (url.searchParams.get('access_token') ?? '');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts.length < 2 || !/^v[0-9]+\.[0-9]+$/.test(parts[0]!)) return { status: 400, body: graphError('Unknown path components', 'OAuthException', 2500) };
    const [, first, second] = parts;
    const page = this.options.pages.find((p) => p.token === token);
    if (req.method === 'POST' && first === 'me' && second === 'messages') {
      if (!page) return invalidToken();
      const recipient = (body?.recipient as { id?: string } | undefined)?.id;
      if (recipient === FakeGraph.blockedUser) return { status: 400, body: graphError("(#551) This person isn't available right now.", 'OAuthException', 551, 1545041) };
      if (recipient === FakeGraph.throttledOnce && !this.throttled.has(recipient)) {
        this.throttled.add(recipient);
        return { status: 400, body: graphError('(#4) Application request limit reached', 'OAuthException', 4) };
      }
      if (recipient === FakeGraph.rateLimited) return { status: 429, body: graphError('(#613) Calls to this api have exceeded the rate limit.', 'OAuthException', 613) };
      if (recipient === FakeGraph.unavailable) return { status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
      const mid = `m_${randomBytes(24).toString('base64url')}`;
      this.echo(page, recipient ?? '', mid, body?.message as Record<string, unknown> | undefined);
      return { status: 200, body: { recipient_id: recipient, message_id: mid } };
    }
    if (req.method === 'POST' && second === 'messages') {
      if (this.options.whatsapp.get(token) !== first) return invalidToken();
      const to = String(body?.to ?? '');
      if (to === FakeGraph.invalidWhatsApp) return { status: 400, body: graphError('(#131030) Recipient phone number not in allowed list', 'OAuthException', 131030, undefined, { messaging_product: 'whatsapp', details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.' }) };
      return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${randomBytes(24).toString('base64url')}` }] } };
    }
    if (req.method === 'GET' && first === 'me' && second === 'accounts') {
      const pages = this.options.users.get(token);
      if (!pages) return invalidToken();
      return { status: 200, body: { data: pages.map((p) => ({ access_token: p.token, category: 'Software', name: p.name, id: p.id, tasks: ['MESSAGING'], picture: { data: { url: `https://example.com/${p.id}.png` } } })), paging: { cursors: { before: 'a', after: 'b' } } } };
    }
    if (req.method === 'GET' && first !== undefined && second === undefined) {
      if (!page) return invalidToken();
      const profile = this.options.profiles.get(first);
      if (!profile) return { status: 400, body: graphError(`Unsupported get request. Object with ID '${first}' does not exist`, 'GraphMethodException', 100, 33) };
      return { status: 200, body: { ...profile, id: first } };
    }
    return { status: 400, body: graphError('Unknown path components', 'OAuthException', 2500) };
  }

  /** Meta's `message_echoes` webhook for a Messenger send; the `messages` webhook with `is_echo` for an Instagram one. */
  private echo(page: FakePage, recipient: string, mid: string, message: Record<string, unknown> | undefined): void {
    if (this.echoTo === undefined) return;
    const now = Date.now();
    const instagramAccount = this.options.instagram?.get(recipient);
    let body: unknown;
    if (instagramAccount === undefined) {
      const event = { sender: { id: page.id }, recipient: { id: recipient }, timestamp: now, message: { ...message, mid, is_echo: true, app_id: Number(this.options.appId) } };
      body = { object: 'page', entry: [{ id: page.id, time: now, messaging: [event] }] };
    } else {
      const { metadata: _dropped, ...content } = message ?? {};
      const event = { sender: { id: instagramAccount }, recipient: { id: recipient }, timestamp: now, message: { mid, ...content, is_echo: true } };
      body = { object: 'instagram', entry: [{ id: instagramAccount, time: now, messaging: [event] }] };
    }
    const delivery = this.deliver(this.echoTo, body).then(
      (answer) => this.echoed.push(answer.status),
      () => this.echoed.push(0),
    );
    this.echoes.add(delivery);
    void delivery.finally(() => this.echoes.delete(delivery));
  }
}

function graphError(message: string, type: string, code: number, subcode?: number, data?: unknown) {
  return { error: { message, type, code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), ...(data !== undefined ? { error_data: data } : {}), fbtrace_id: `A${randomBytes(8).toString('hex')}` } };
}

function invalidToken() {
  return { status: 401, body: graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190) };
}
