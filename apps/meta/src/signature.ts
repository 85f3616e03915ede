import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`, as Meta sends it in `X-Hub-Signature-256`. */
export function hubSignature(appSecret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Checks `X-Hub-Signature-256` over the raw bytes (never a re-serialization), in constant time. */
export function isValidHubSignature(appSecret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = Buffer.from(hubSignature(appSecret, body).slice('sha256='.length), 'hex');
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return timingSafeEqual(expected, given);
}

/** The verification handshake: the challenge to echo, or undefined (403) when the mode is not subscribe or the token differs. */
export function handshakeChallenge(verifyToken: string | undefined, query: { readonly mode?: unknown; readonly token?: unknown; readonly challenge?: unknown }): string | undefined {
  if (verifyToken === undefined || query.mode !== 'subscribe' || typeof query.token !== 'string' || typeof query.challenge !== 'string') return undefined;
  if (query.challenge.length === 0 || query.challenge.length > 256) return undefined;
  const given = Buffer.from(query.token);
  const expected = Buffer.from(verifyToken);
  return given.length === expected.length && timingSafeEqual(given, expected) ? query.challenge : undefined;
}
