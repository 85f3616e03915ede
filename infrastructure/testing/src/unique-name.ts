import { randomBytes } from 'node:crypto';

/**
 * `<prefix>-<8 hex chars>`, safe as a Kafka topic, group or transactional id: characters outside
 * [a-zA-Z0-9._-] in the prefix become '-', and the prefix is cut so the name stays well under 249 chars.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]+/g, '-').slice(0, 100) || 'test';
  return `${safe}-${randomBytes(4).toString('hex')}`;
}
