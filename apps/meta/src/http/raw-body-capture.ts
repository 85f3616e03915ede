import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { readBoundedBody, WebhookRejectedError } from '@platform/connector-kit';

const captured = new WeakMap<IncomingMessage, Buffer>();

/**
 * Meta signs the raw bytes of its webhooks, but the platform's JSON body parser consumes every JSON
 * body before any route runs. So for `POST` to the webhook paths only, this reads the body (bounded)
 * in front of the app's request listener and keeps it for the controller; the parser then finds the
 * request complete and leaves it alone. Over the limit: 413 `{ message }` right here.
 */
export function captureRawBodies(server: Server, paths: ReadonlySet<string>, maxBytes: number): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    for (const listener of listeners) listener(req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '';
    const query = target.indexOf('?');
    if (req.method !== 'POST' || !paths.has(query < 0 ? target : target.slice(0, query))) {
      forward(req, res);
      return;
    }
    readBoundedBody(req, maxBytes).then(
      (body) => {
        captured.set(req, body);
        forward(req, res);
      },
      (error: unknown) => {
        const status = error instanceof WebhookRejectedError ? error.status : 400;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
        res.end(JSON.stringify({ message: error instanceof Error ? error.message : 'webhook body could not be read' }));
      },
    );
  });
}

/** The raw body captured for a webhook request (400 when the request bypassed the capture, e.g. another spelling of the path). */
export function rawBodyOf(req: IncomingMessage): Buffer {
  const body = captured.get(req);
  if (body === undefined) throw new WebhookRejectedError(400, 'webhook body not available: POST exactly to /facebook or /whatsapp');
  return body;
}
