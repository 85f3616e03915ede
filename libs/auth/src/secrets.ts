import { randomBytes } from 'node:crypto';

/** A random secret (system token, JWT secret): `bytes` random bytes (default 32) as base64url. */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
