import { createHash, timingSafeEqual } from 'node:crypto';

/** The 32-byte digest `constantTimeEqual` compares; computed once for a value compared on every request. */
export function comparableDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares two strings in time independent of where they differ and of their lengths: both are hashed to
 * 32 bytes first, then compared with `timingSafeEqual`. `b` may be given as its `comparableDigest`.
 */
export function constantTimeEqual(a: string, b: string | Buffer): boolean {
  return timingSafeEqual(comparableDigest(a), typeof b === 'string' ? comparableDigest(b) : b);
}
