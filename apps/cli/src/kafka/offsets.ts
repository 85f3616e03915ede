import type { Admin } from 'kafkajs';
import { notFound, usageError } from '../exit-codes';
import { parseDuration, parseTime } from '../commands/values';

/** Where to move a group's offsets: the whole retained log, its end, a point in time, or a delta from the committed offset. */
export type OffsetTarget = { readonly kind: 'earliest' } | { readonly kind: 'latest' } | { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'shift'; readonly by: number };

/** One partition's committed offset against the log: `committed` null when the group never committed there. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committed: number | null;
  readonly low: number;
  readonly high: number;
  /** Records the group has still to read: `high - committed` (`high - low` when nothing is committed). */
  readonly lag: number;
}

/** A planned move of one partition's committed offset. */
export interface OffsetMove {
  readonly topic: string;
  readonly partition: number;
  readonly from: number | null;
  readonly to: number;
}

/**
 * `earliest`, `latest`, an ISO date-time / epoch ms (`2026-12-01T10:00:00Z`), a duration back from now
 * (`duration:15m` or `-15m`), or a shift (`shift:-3`, `shift:+100`). Usage error otherwise.
 */
export function parseOffsetTarget(raw: string, now = Date.now()): OffsetTarget {
  if (raw === 'earliest' || raw === 'latest') return { kind: raw };
  const shift = /^shift:([+-]?\d{1,15})$/.exec(raw);
  if (shift) return { kind: 'shift', by: Number(shift[1]) };
  if (raw.startsWith('duration:')) {
    const back = parseDuration(raw.slice('duration:'.length));
    if (back !== undefined) return { kind: 'time', ms: now - back };
  } else {
    const ms = parseTime(raw.startsWith('datetime:') ? raw.slice('datetime:'.length) : raw, now);
    if (ms !== undefined) return { kind: 'time', ms };
  }
  throw usageError(`--to must be earliest, latest, an ISO date-time (2026-12-01T10:00:00Z), duration:<15m|2h|1d> (back from now) or shift:<±N>, not "${raw}"`);
}

export function describeTarget(target: OffsetTarget): string {
  switch (target.kind) {
    case 'earliest':
    case 'latest':
      return target.kind;
    case 'time':
      return `first record at or after ${new Date(target.ms).toISOString()}`;
    case 'shift':
      return `committed offset ${target.by >= 0 ? '+' : ''}${target.by}`;
  }
}

/** Committed offsets and lag of `group` on `topics` (default: every topic it has committed on). */
export async function groupLag(admin: Admin, group: string, topics?: readonly string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId: group, ...(topics ? { topics: [...topics] } : {}) });
  const result: PartitionLag[] = [];
  for (const { topic, partitions } of committed.sort((a, b) => a.topic.localeCompare(b.topic))) {
    const log = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
    for (const p of [...partitions].sort((a, b) => a.partition - b.partition)) {
      const ends = log.get(p.partition);
      const low = Number(ends?.low ?? 0);
      const high = Number(ends?.high ?? 0);
      const offset = Number(p.offset);
      const has = offset >= 0;
      result.push({ topic, partition: p.partition, committed: has ? offset : null, low, high, lag: Math.max(0, high - (has ? Math.max(offset, low) : low)) });
    }
  }
  return result;
}

/** Total lag and records in the partitions' logs (`high - low`), for progress. */
export function totals(lags: readonly PartitionLag[]): { lag: number; records: number } {
  return lags.reduce((sum, p) => ({ lag: sum.lag + p.lag, records: sum.records + (p.high - p.low) }), { lag: 0, records: 0 });
}

/**
 * The moves that bring `group`'s offsets on `topic` to `target`, for `partitions` (default: all of the
 * topic's). Offsets are clamped to the retained log [low, high]; a shift from nothing committed starts at low.
 */
export async function planMoves(admin: Admin, group: string, topic: string, target: OffsetTarget, partitions?: readonly number[]): Promise<OffsetMove[]> {
  let log: { partition: number; low: string; high: string }[];
  try {
    log = await admin.fetchTopicOffsets(topic);
  } catch (error) {
    throw notFound(`topic ${topic} does not exist or has no leader (${(error as Error).message})`);
  }
  const wanted = partitions ? new Set(partitions) : undefined;
  const missing = partitions?.filter((p) => !log.some((entry) => entry.partition === p)) ?? [];
  if (missing.length > 0) throw notFound(`topic ${topic} has no partition ${missing.join(', ')} (it has ${log.length})`);
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const current = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  const byTime = target.kind === 'time' ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, target.ms)).map((p) => [p.partition, Number(p.offset)])) : undefined;
  const moves: OffsetMove[] = [];
  for (const entry of log.sort((a, b) => a.partition - b.partition)) {
    if (wanted && !wanted.has(entry.partition)) continue;
    const low = Number(entry.low);
    const high = Number(entry.high);
    const now = current.get(entry.partition);
    const from = now !== undefined && now >= 0 ? now : null;
    let to: number;
    switch (target.kind) {
      case 'earliest':
        to = low;
        break;
      case 'latest':
        to = high;
        break;
      case 'time': {
        const found = byTime?.get(entry.partition);
        to = found === undefined || found < 0 ? high : found;
        break;
      }
      case 'shift':
        to = (from ?? low) + target.by;
        break;
    }
    moves.push({ topic, partition: entry.partition, from, to: Math.min(high, Math.max(low, to)) });
  }
  return moves;
}

/** Commits the moves for `group` (the group must have no members: the broker refuses otherwise). */
export async function applyMoves(admin: Admin, group: string, moves: readonly OffsetMove[]): Promise<void> {
  const byTopic = new Map<string, OffsetMove[]>();
  for (const move of moves) byTopic.set(move.topic, [...(byTopic.get(move.topic) ?? []), move]);
  for (const [topic, list] of byTopic) {
    await admin.setOffsets({ groupId: group, topic, partitions: list.map((m) => ({ partition: m.partition, offset: String(m.to) })) });
  }
}
