import type { KeyValue } from '../../api/record';

/** A buffered (not yet flushed) write: `null` marks a delete. */
export interface BufferedWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * Merges the database rows (ascending) with the buffered writes in the same range (ascending):
 * buffered values shadow stored ones, buffered deletes hide them. Closing the returned generator
 * (`return()`, early `break`) closes the database cursor.
 */
export function* mergeWithBuffer(
  rows: IterableIterator<unknown[]>,
  buffered: readonly BufferedWrite[],
): Generator<KeyValue<Buffer, Buffer>, void, undefined> {
  let i = 0;
  try {
    let row = rows.next();
    while (!row.done || i < buffered.length) {
      const dbKey = row.done ? undefined : (row.value[0] as Buffer);
      const write = i < buffered.length ? buffered[i] : undefined;
      const c = dbKey && write ? Buffer.compare(dbKey, write.key) : dbKey ? -1 : 1;
      if (c < 0 && dbKey) {
        yield { key: dbKey, value: (row.value as unknown[])[1] as Buffer };
        row = rows.next();
        continue;
      }
      if (c === 0) row = rows.next();
      i++;
      if (write && write.value !== null) yield { key: write.key, value: write.value };
    }
  } finally {
    rows.return?.();
  }
}
