/**
 * Test-only access to the real registry. Temporary local helper until @platform/testing provides
 * `registryUrl()` / `uniqueName()`; specs are the only importers.
 */
import { randomBytes } from 'node:crypto';

export function registryUrl(): string {
  const url = process.env['SCHEMA_REGISTRY_URL'];
  if (!url) throw new Error('SCHEMA_REGISTRY_URL is not set (e.g. http://127.0.0.1:8080/apis/ccompat/v7)');
  return url;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
