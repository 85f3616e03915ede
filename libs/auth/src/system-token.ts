import { constantTimeEqual } from './internals/constant-time';

/**
 * True when `presented` equals the configured system token. Constant time: neither where the strings
 * differ nor their lengths show in the timing. An empty expected token never matches.
 */
export function checkSystemToken(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || typeof expected !== 'string' || expected.length === 0) return false;
  return constantTimeEqual(presented, expected);
}
