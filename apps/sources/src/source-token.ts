import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Source tokens: `<base64url(source id)>.<base64url(HMAC-SHA256(SOURCES_TOKEN_SECRET, "source-token\0" + id + "\0" + createdAt))>`.
 * Shown once by `sources.create`; the topic keeps only their SHA-256 (`Source.tokenHash`). Being derived,
 * the app can sign action-endpoint calls with the token (Airy's `X-Airy-Content-Signature` key) without storing it.
 * Deleting and creating a source again issues a new token; changing the secret invalidates every token.
 */
export function issueSourceToken(secret: string, sourceId: string, createdAt: number): string {
  const mac = createHmac('sha256', secret).update(`source-token\0${sourceId}\0${createdAt}`).digest('base64url');
  return `${Buffer.from(sourceId, 'utf8').toString('base64url')}.${mac}`;
}

export function hashSourceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The source id a token names (not yet verified), or undefined for a token of another shape. */
export function sourceIdOfToken(token: string): string | undefined {
  const match = /^([A-Za-z0-9_-]{1,200})\.[A-Za-z0-9_-]{43}$/.exec(token);
  return match ? Buffer.from(match[1]!, 'base64url').toString('utf8') : undefined;
}

/** Whether `token` hashes to `hash` (constant time). */
export function tokenMatches(token: string, hash: string): boolean {
  const actual = Buffer.from(hashSourceToken(token), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** `X-Airy-Content-Signature` of an action-endpoint call: lowercase hex HMAC-SHA256 keyed with the source token, over the exact body. */
export function contentSignature(token: string, body: string): string {
  return createHmac('sha256', token).update(body, 'utf8').digest('hex');
}

export const SIGNATURE_HEADER = 'x-airy-content-signature';
