import type { Template } from '@platform/schemas';
import { compareByName } from '../common/by-name';

/**
 * `templates.list`: the templates of one source whose name contains `name` (case-insensitive;
 * an empty or absent `name` matches all), ordered by name.
 */
export function selectTemplates(templates: readonly Template[], source: string, name: string | undefined): Template[] {
  const needle = name?.trim().toLowerCase() ?? '';
  return templates.filter((t) => t.source === source && (needle === '' || t.name.toLowerCase().includes(needle))).sort(compareByName);
}
