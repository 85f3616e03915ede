import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An action-endpoint call as the fake received it. */
export interface ActionCall {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Whether `X-Airy-Content-Signature` is the hex HMAC-SHA256 of the body keyed with the source token. */
  readonly signatureValid: boolean;
}

/**
 * A custom source's action endpoint, as a source built on Airy's Sources API answers: verifies the
 * signature with its token, answers 200 `{"source_message_id"}`, or 400 `{"error"}` for a message whose
 * content text is `"fail"`.
 */
export class FakeSource {
  readonly calls: ActionCall[] = [];
  token = '';
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/actions`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const expected = createHmac('sha256', this.token).update(body, 'utf8').digest();
    const given = Buffer.from(String(req.headers['x-airy-content-signature'] ?? ''), 'hex');
    const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
    this.calls.push({ headers: req.headers, body, signatureValid });
    if (!signatureValid) return { status: 401, body: { error: 'bad signature' } };
    const action = JSON.parse(body) as { payload: { message: { content: { text?: string } } } };
    if (action.payload.message.content.text === 'fail') return { status: 400, body: { error: 'recipient blocked' } };
    return { status: 200, body: { source_message_id: `src-${this.calls.length}` } };
  }
}
