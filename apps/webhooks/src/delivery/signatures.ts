import { createHmac } from 'node:crypto';
import { InvalidSubscriptionError } from '../errors';

/**
 * Airy's `X-Airy-Content-Signature`: lower-case hex HMAC-SHA256 of the exact body, keyed with the
 * UTF-8 bytes of the signature key as given.
 */
export function airyContentSignature(signatureKey: string, body: string): string {
  return createHmac('sha256', Buffer.from(signatureKey, 'utf8')).update(body, 'utf8').digest('hex');
}

/**
 * Key bytes of the Standard Webhooks signature: a `whsec_<base64>` key is base64-decoded (the spec's
 * form, which `new Webhook("whsec_…")` understands); any other key is used as its UTF-8 bytes
 * (`new Webhook(Buffer.from(key), { format: "raw" })` on the receiving side).
 */
export function standardKeyBytes(signatureKey: string): Buffer {
  if (!signatureKey.startsWith('whsec_')) return Buffer.from(signatureKey, 'utf8');
  const text = signatureKey.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw new InvalidSubscriptionError('signature_key starting with whsec_ must be followed by standard base64');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < 24 || bytes.length > 64) throw new InvalidSubscriptionError('a whsec_ signature_key must encode 24 to 64 bytes');
  return bytes;
}

/** Checks a signature key when it is subscribed: 8–1024 characters, and a well-formed `whsec_` key when it has the prefix. */
export function checkSignatureKey(signatureKey: string): void {
  if (signatureKey.length < 8) throw new InvalidSubscriptionError('signature_key must be at least 8 characters');
  if (signatureKey.length > 1024) throw new InvalidSubscriptionError('signature_key must be at most 1024 characters');
  standardKeyBytes(signatureKey);
}

/** `webhook-signature` of Standard Webhooks 1.0: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. */
export function standardSignature(keyBytes: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyBytes).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64')}`;
}
