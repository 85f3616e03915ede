import type { StreamsMetadata } from '../runtime/metadata';

/** The outcome of asking one owner. */
export type OwnerResult<T> = { readonly ok: true; readonly items: readonly T[] } | { readonly ok: false; readonly reason: string };

export interface GatherResult<T> {
  /** True when every owner answered: `items` is then the complete list. */
  readonly complete: boolean;
  readonly items: T[];
  /** Endpoints that failed, with their reason. */
  readonly failed: readonly { readonly endpoint: string; readonly reason: string }[];
}

export interface GatherOptions<T> {
  /** Orders the merged items (default: owner order, then each owner's order). */
  readonly compare?: (a: T, b: T) => number;
}

/**
 * Asks every owner for its part of a list query (through `fetchFrom`, e.g. an HTTP call to the
 * endpoint) and merges the answers. Never throws: a rejected fetch counts as a failed endpoint.
 * Endpoints are de-duplicated; an empty endpoint list gives an empty, complete result.
 */
export async function gatherFromAllOwners<T>(
  endpoints: readonly string[],
  fetchFrom: (endpoint: string) => Promise<OwnerResult<T>>,
  options: GatherOptions<T> = {},
): Promise<GatherResult<T>> {
  const unique = [...new Set(endpoints)];
  const answers = await Promise.all(
    unique.map(async (endpoint) => {
      try {
        return { endpoint, result: await fetchFrom(endpoint) };
      } catch (error) {
        return { endpoint, result: { ok: false as const, reason: error instanceof Error ? error.message : String(error) } };
      }
    }),
  );
  const items: T[] = [];
  const failed: { endpoint: string; reason: string }[] = [];
  for (const { endpoint, result } of answers) {
    if (result.ok) items.push(...result.items);
    else failed.push({ endpoint, reason: result.reason });
  }
  if (options.compare) items.sort(options.compare);
  return { complete: failed.length === 0, items, failed };
}

/** Distinct advertised endpoints of the group members that run at least one task. */
export function ownerEndpoints(metadata: readonly StreamsMetadata[]): string[] {
  return [...new Set(metadata.filter((m) => m.tasks.length > 0 && m.endpoint).map((m) => m.endpoint!))];
}

/** Whether the parts of a gathered list answered for every partition of a store exactly once. */
export interface PartitionCoverage {
  readonly complete: boolean;
  /** Partitions no part answered for (e.g. a crashed member still holds them until its session expires). */
  readonly missing: number[];
  /** Partitions answered more than once (a task moved between two owners' answers). */
  readonly repeated: number[];
}

/**
 * Checks the partitions reported by each owner's part (`ListQueryResult.partitions`) against the
 * store's partition count: a list is complete only when each of `0..count-1` answered exactly once.
 */
export function partitionCoverage(parts: readonly { readonly partitions: readonly number[] }[], count: number): PartitionCoverage {
  const seen = new Map<number, number>();
  for (const part of parts) for (const p of part.partitions) seen.set(p, (seen.get(p) ?? 0) + 1);
  const missing: number[] = [];
  const repeated: number[] = [];
  for (let p = 0; p < count; p++) {
    const times = seen.get(p) ?? 0;
    if (times === 0) missing.push(p);
    else if (times > 1) repeated.push(p);
  }
  return { complete: missing.length === 0 && repeated.length === 0, missing, repeated };
}

/** A one-line reason for an incomplete coverage, for a 503 message. */
export function describeCoverage(coverage: PartitionCoverage): string {
  const parts: string[] = [];
  if (coverage.missing.length > 0) parts.push(`partitions ${coverage.missing.join(', ')} have no running owner`);
  if (coverage.repeated.length > 0) parts.push(`partitions ${coverage.repeated.join(', ')} answered twice (moving)`);
  return parts.join('; ');
}
