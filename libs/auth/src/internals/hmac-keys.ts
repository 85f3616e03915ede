import { webcrypto } from 'node:crypto';

/** Most HMAC keys kept imported (an app uses one or two secrets; tests a few more). */
const maxKeys = 16;
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();

/**
 * The secret as a Web Crypto HS256 key, imported once and reused: `jose` would otherwise import the raw
 * bytes again on every sign and verify. Bounded: the least recently imported key is dropped beyond 16.
 */
export function hmacKey(secret: string): Promise<webcrypto.CryptoKey> {
  const cached = keys.get(secret);
  if (cached !== undefined) return cached;
  const imported = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  keys.set(secret, imported);
  if (keys.size > maxKeys) keys.delete(keys.keys().next().value as string);
  return imported;
}
