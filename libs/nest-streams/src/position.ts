import type { QueryPosition, StreamsMetadata } from '@platform/streams';

/**
 * Longest `x-streams-position` accepted: a Kafka topic name (at most 249 characters), a partition
 * (int32) and an offset (int64), with their separators, fit well under it.
 */
export const MAX_POSITION_HEADER_LENGTH = 300;

/** Kafka's bounds: partitions are int32, offsets int64. */
const MAX_PARTITION = 2 ** 31 - 1;
const MAX_OFFSET = 2n ** 63n - 1n;

/**
 * `topic:partition:offset`, each part in its own character class (Kafka topic names are
 * `[a-zA-Z0-9._-]`, never a colon), so the match is linear and unambiguous.
 */
const POSITION_PATTERN = /^([A-Za-z0-9._-]{1,249}):(\d{1,10}):(\d{1,19})$/;

/** The header as read: absent, one well-formed position, or why it is malformed. */
export type ParsedPosition =
  | { readonly ok: true; readonly position: QueryPosition | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * Parses an `x-streams-position` header strictly: exactly one `topic:partition:offset`, at most
 * `MAX_POSITION_HEADER_LENGTH` characters, partition and offset within Kafka's int32/int64 range.
 * A missing or empty header is no position.
 */
export function parsePositionHeader(raw: string | readonly string[] | undefined): ParsedPosition {
  if (raw === undefined) return { ok: true, position: undefined };
  if (typeof raw !== 'string') {
    if (raw.length > 1) return invalid('x-streams-position: give one position only');
    return parsePositionHeader(raw[0]);
  }
  if (raw.length > MAX_POSITION_HEADER_LENGTH) return invalid(`x-streams-position: longer than ${MAX_POSITION_HEADER_LENGTH} characters`);
  const text = raw.trim();
  if (text === '') return { ok: true, position: undefined };
  // Repeated headers reach the app joined by commas.
  if (text.includes(',')) return invalid('x-streams-position: give one position only');
  const match = POSITION_PATTERN.exec(text);
  if (!match) return invalid('x-streams-position: expected topic:partition:offset (a Kafka topic name, a partition number, an offset)');
  const partition = Number(match[2]);
  if (partition > MAX_PARTITION) return invalid(`x-streams-position: partition ${match[2]} is out of range`);
  const offset = BigInt(match[3]!);
  if (offset > MAX_OFFSET) return invalid(`x-streams-position: offset ${match[3]} is out of range`);
  return { ok: true, position: { topic: match[1]!, partition, offset: offset.toString() } };
}

/** Topic → partitions that a position may name (an application's input partitions). */
export type KnownPartitions = ReadonlyMap<string, ReadonlySet<number>>;

/** Every input partition of an application: the union of its group members' assigned partitions; undefined before any assignment. */
export function inputPartitions(members: readonly StreamsMetadata[]): KnownPartitions | undefined {
  if (members.length === 0) return undefined;
  const known = new Map<string, Set<number>>();
  for (const member of members) {
    for (const { topic, partitions } of member.partitions) {
      const set = known.get(topic) ?? new Set<number>();
      for (const p of partitions) set.add(p);
      known.set(topic, set);
    }
  }
  return known.size === 0 ? undefined : known;
}

/** A {@link KnownPartitions} of topics with their partition counts (partitions 0..count-1). */
export function partitionsOfCounts(counts: Iterable<readonly [string, number]>): KnownPartitions {
  const known = new Map<string, Set<number>>();
  for (const [topic, count] of counts) known.set(topic, new Set(Array.from({ length: Math.max(0, count) }, (_, p) => p)));
  return known;
}

/**
 * The outcome of checking a request's position against the partitions it may name: no position,
 * a usable one, `invalid` (400: malformed, not an input topic of this application, no such
 * partition) or `unknown` (503: the application has no assignment yet, so nothing can be checked).
 */
export type PositionCheck =
  | { readonly ok: true; readonly position: QueryPosition | undefined }
  | { readonly ok: false; readonly kind: 'invalid' | 'unknown'; readonly message: string };

export function checkPosition(raw: string | readonly string[] | undefined, known: KnownPartitions | undefined): PositionCheck {
  const parsed = parsePositionHeader(raw);
  if (!parsed.ok) return { ok: false, kind: 'invalid', message: parsed.message };
  const { position } = parsed;
  if (position === undefined) return parsed;
  if (known === undefined) return { ok: false, kind: 'unknown', message: 'x-streams-position cannot be checked before the application has its assignment; retry later' };
  const partitions = known.get(position.topic);
  if (partitions === undefined) return { ok: false, kind: 'invalid', message: `x-streams-position: ${position.topic} is not an input topic of this service` };
  if (!partitions.has(position.partition)) return { ok: false, kind: 'invalid', message: `x-streams-position: ${position.topic} has no partition ${position.partition}` };
  return parsed;
}

function invalid(message: string): ParsedPosition {
  return { ok: false, message };
}
