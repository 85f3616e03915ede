import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { usageError } from '../exit-codes';

/** One record of a backfill file (JSON Lines): `{"key": "...", "value": <any JSON>, "partition"?: n}`; `value: null` is a tombstone. */
export interface BackfillLine {
  readonly line: number;
  readonly key: string;
  readonly value: unknown;
  readonly partition?: number;
}

/** Longest line read (a record larger than its topic's max.message.bytes is refused anyway). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Deepest JSON nesting accepted in a value. */
const MAX_DEPTH = 64;

/** Reads a JSON Lines file one record at a time; a malformed line is a usage error naming the line. */
export async function* readBackfillFile(path: string): AsyncGenerator<BackfillLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    if (text.length > MAX_LINE_BYTES) throw usageError(`${path}:${n}: line longer than ${MAX_LINE_BYTES} bytes`);
    yield parseBackfillLine(text, n, path);
  }
}

export function parseBackfillLine(text: string, line: number, path = 'input'): BackfillLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`${path}:${line}: not JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageError(`${path}:${line}: expected {"key": "...", "value": ...}`);
  const record = parsed as { key?: unknown; value?: unknown; partition?: unknown };
  if (typeof record.key !== 'string' || record.key.length === 0) throw usageError(`${path}:${line}: "key" must be a non-empty string`);
  if (!('value' in record)) throw usageError(`${path}:${line}: "value" is missing (null writes a tombstone)`);
  if (depth(record.value) > MAX_DEPTH) throw usageError(`${path}:${line}: value nested deeper than ${MAX_DEPTH}`);
  if (record.partition !== undefined && (!Number.isInteger(record.partition) || (record.partition as number) < 0)) throw usageError(`${path}:${line}: "partition" must be a non-negative integer`);
  return { line, key: record.key, value: record.value, ...(record.partition !== undefined ? { partition: record.partition as number } : {}) };
}

function depth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (d > MAX_DEPTH) return d;
    if (v && typeof v === 'object') for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}
