import type { BufferedWrite } from './merge-iterator';

/**
 * The undo log of the input record being processed. The stores of a task buffer their writes in
 * memory until the commit (SQLite is only written at commit, in one transaction), so undoing a
 * record is putting back the buffer entries it replaced: that is what a per-record SQLite
 * savepoint would do, at the cost of one array push per write. A record that fails part-way is
 * rolled back before it is dead-lettered or retried, together with its changelog records, so the
 * task's state is as if it had never been processed.
 */
export class WriteJournal {
  /** Flat triples: buffer, key, previous entry (undefined: the key was not buffered). */
  private readonly entries: unknown[] = [];
  private active = false;

  /** Starts journaling the writes of one record (forgetting the previous record's). */
  begin(): void {
    this.entries.length = 0;
    this.active = true;
  }

  /** Called by a store before it changes `buffer[key]`. */
  record(buffer: Map<string, BufferedWrite>, key: string, previous: BufferedWrite | undefined): void {
    if (this.active) this.entries.push(buffer, key, previous);
  }

  /** Puts back every buffer entry the record changed, newest first. */
  rollback(): void {
    const e = this.entries;
    for (let i = e.length - 3; i >= 0; i -= 3) {
      const buffer = e[i] as Map<string, BufferedWrite>;
      const previous = e[i + 2] as BufferedWrite | undefined;
      if (previous === undefined) buffer.delete(e[i + 1] as string);
      else buffer.set(e[i + 1] as string, previous);
    }
    this.end();
  }

  /** The record is done: its writes stay. */
  end(): void {
    this.entries.length = 0;
    this.active = false;
  }
}
