import { randomUUID } from 'node:crypto';

/** The header carrying a request's id: taken from the client when sane, always sent back. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** 1–128 characters of letters, digits and `._:-`: enough for UUIDs, ULIDs and tracing ids, nothing a log could misread. */
const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export function isSaneRequestId(value: unknown): value is string {
  return typeof value === 'string' && saneRequestId.test(value);
}

/** The incoming header's value when it is sane (one value, 1–128 of `[A-Za-z0-9._:-]`), else a new UUID. */
export function requestIdFrom(header: string | readonly string[] | undefined): string {
  return isSaneRequestId(header) ? header : randomUUID();
}

interface RequestWithHeaders {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

interface ResponseWithHeaders {
  setHeader(name: string, value: string): unknown;
}

const assigned = new WeakMap<object, string>();

/**
 * Gives `req` its request id (once; later calls return the same id): the client's `x-request-id` when
 * sane, else a new UUID. The id replaces the request's own `x-request-id` header, so whatever passes the
 * request's headers on (owner forwarding, peer calls) passes this id, and is set on `res` so every answer,
 * errors included, carries it.
 */
export function assignRequestId(req: RequestWithHeaders, res: ResponseWithHeaders): string {
  let id = assigned.get(req);
  if (id === undefined) {
    id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    assigned.set(req, id);
    (req.headers as Record<string, string | string[] | undefined>)[REQUEST_ID_HEADER] = id;
  }
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The id `assignRequestId` gave `req`, if any. */
export function requestIdOf(req: object): string | undefined {
  return assigned.get(req);
}
