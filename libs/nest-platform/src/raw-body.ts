import type { IncomingMessage } from 'node:http';

const rawBodies = new WeakMap<IncomingMessage, Buffer>();

/** Called by the JSON body parser's verify hook when the app keeps raw bodies (`bootstrapApi({ keepRawBody: true })`). */
export function keepRawBody(req: IncomingMessage, bytes: Uint8Array): void {
  rawBodies.set(req, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
}

/**
 * The exact bytes of a request's JSON body, as received (before parsing), for signatures computed over
 * them (e.g. Meta's `X-Hub-Signature-256`). Undefined unless the app was started with `keepRawBody`
 * and the request had a JSON body.
 */
export function rawBodyOf(req: IncomingMessage): Buffer | undefined {
  return rawBodies.get(req);
}
