/** Byte helpers shared by the stores: keys are ordered by their raw bytes (memcmp order). */

/** A map key identifying a byte string exactly (one char per byte). */
export function bytesKey(bytes: Buffer): string {
  return bytes.toString('latin1');
}

export function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/**
 * The smallest byte string greater than every string starting with `prefix`, or undefined when
 * none exists (the prefix is empty or all 0xff).
 */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const bound = Buffer.from(prefix.subarray(0, i + 1));
      bound[i] = bound[i] + 1;
      return bound;
    }
  }
  return undefined;
}

/** Inclusive lower bound, exclusive or inclusive upper bound. */
export interface ByteRange {
  readonly from?: Buffer;
  readonly to?: Buffer;
  readonly toInclusive: boolean;
}

export function inRange(key: Buffer, range: ByteRange): boolean {
  if (range.from && Buffer.compare(key, range.from) < 0) return false;
  if (range.to) {
    const c = Buffer.compare(key, range.to);
    if (range.toInclusive ? c > 0 : c >= 0) return false;
  }
  return true;
}
