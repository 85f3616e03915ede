import type { Logger } from '@platform/common';
import type { StoreFactory, TaskStore } from '../task/contract';
import type { StoreSpec } from '../topology/spec';
import type { BytesStore } from './bytes-store';
import { ChangeloggingStore } from './changelogging-store';
import type { BufferedWrite } from './merge-iterator';
import { changelogOffsetName, inputOffsetName, offsetSum } from './offset-names';
import { SqliteStore } from './sqlite-store';
import { TaskDatabase, type OpenOutcome } from './task-database';
import { TypedStore } from './typed-store';
import { WriteJournal } from './write-journal';
import { parseTpKey, tpKey } from '../topic-partition';

/** Where a store's changelog lives: an internal topic it writes, or the source topic it reads. */
export interface ChangelogBinding {
  readonly store: string;
  readonly kind: 'internal' | 'source';
  readonly topic: string;
  readonly partition: number;
}

export interface TaskStateOptions {
  readonly dir: string;
  readonly taskId: string;
  readonly partition: number;
  readonly stores: readonly StoreSpec[];
  /** Resolved changelog topic of a store, undefined for unlogged stores. */
  readonly changelogTopic: (spec: StoreSpec) => { kind: 'internal' | 'source'; topic: string } | undefined;
  readonly logger: Logger;
  /** `max.message.bytes` of a changelog topic (undefined: not checked). */
  readonly changelogLimit?: (topic: string) => number | undefined;
  /** Bytes of the headers a changelog record may carry (the input position header on the last one). */
  readonly changelogHeaderBytes?: number;
}

export interface ChangelogBatch {
  readonly binding: ChangelogBinding;
  readonly records: BufferedWrite[];
}

/**
 * The local state of one task: its SQLite database, the store stacks built on it
 * (SqliteStore → ChangeloggingStore for internal changelogs → TypedStore), and the offsets
 * recorded with the data. Commits and restore batches are single SQLite transactions.
 */
export class TaskState {
  readonly db: TaskDatabase;
  readonly bindings: readonly ChangelogBinding[];
  private readonly specs = new Map<string, StoreSpec>();
  private readonly built = new Map<string, TaskStore>();
  private readonly logging = new Map<string, ChangeloggingStore>();
  /** Undo log of the input record being processed (its store writes and changelog records). */
  readonly journal = new WriteJournal();

  constructor(private readonly options: TaskStateOptions) {
    this.db = TaskDatabase.open(options.dir, options.logger);
    const bindings: ChangelogBinding[] = [];
    for (const spec of options.stores) {
      this.specs.set(spec.name, spec);
      const changelog = options.changelogTopic(spec);
      if (changelog) bindings.push({ store: spec.name, ...changelog, partition: options.partition });
    }
    this.bindings = bindings;
  }

  get outcome(): OpenOutcome {
    return this.db.outcome;
  }

  /** Builds (once) the store stack for a store of this task. */
  readonly storeFactory: StoreFactory = (spec) => {
    const existing = this.built.get(spec.name);
    if (existing) return existing;
    const binding = this.bindings.find((b) => b.store === spec.name);
    let stack: BytesStore = new SqliteStore(spec.name, this.db.table(spec.name), this.journal);
    if (binding?.kind === 'internal') {
      const maxRecordBytes = this.options.changelogLimit?.(binding.topic);
      const limit = maxRecordBytes === undefined ? undefined : { maxRecordBytes, headerBytes: this.options.changelogHeaderBytes ?? 0 };
      const logged = new ChangeloggingStore(stack, binding.topic, binding.partition, limit, this.journal);
      this.logging.set(spec.name, logged);
      stack = logged;
    }
    const typed = new TypedStore(stack, spec.keySerde, spec.valueSerde, binding?.topic ?? spec.name);
    this.built.set(spec.name, typed);
    return typed;
  };

  offsets(): Map<string, string> {
    return this.db.readOffsets();
  }

  /** Last changelog offset reflected locally, or undefined (restore from the beginning). */
  storedChangelogOffset(binding: ChangelogBinding): string | undefined {
    return this.offsets().get(changelogOffsetName(binding.topic, binding.partition));
  }

  /** Next input offsets recorded with the data, by `topic|partition`. */
  storedInputOffsets(): Map<string, string> {
    const result = new Map<string, string>();
    for (const [name, value] of this.offsets()) if (name.startsWith('input|')) result.set(name.slice(6), value);
    return result;
  }

  offsetSum(): number {
    return offsetSum(this.offsets());
  }

  /** Takes the changelog records written since the last drain, per internal changelog. */
  drainChangelogs(): ChangelogBatch[] {
    const batches: ChangelogBatch[] = [];
    for (const binding of this.bindings) {
      const store = this.logging.get(binding.store);
      if (!store) continue;
      const records = store.drain();
      if (records.length > 0) batches.push({ binding, records });
    }
    return batches;
  }

  /**
   * One SQLite transaction: `flushStores` (the executor's flush) writes the buffered data, then the
   * offsets are recorded: the last produced offset per internal changelog, the next input offset
   * per input partition, and for source-backed stores the last processed source offset.
   */
  commit(
    flushStores: () => void,
    changelogOffsets: ReadonlyMap<string, string>,
    inputOffsets: ReadonlyMap<string, string>,
  ): void {
    const offsets = new Map<string, string>();
    for (const binding of this.bindings) {
      const name = changelogOffsetName(binding.topic, binding.partition);
      if (binding.kind === 'internal') {
        const produced = changelogOffsets.get(binding.store);
        if (produced !== undefined) offsets.set(name, produced);
      } else {
        const next = inputOffsets.get(tpKey(binding.topic, binding.partition));
        if (next !== undefined) offsets.set(name, String(BigInt(next) - 1n));
      }
    }
    for (const [tp, next] of inputOffsets) {
      const { topic, partition } = parseTpKey(tp);
      offsets.set(inputOffsetName(topic, partition), next);
    }
    this.db.transaction(() => {
      flushStores();
      this.db.writeOffsets(offsets);
    });
  }

  /** Applies restored changelog records straight to the table, with the new position, atomically. */
  applyRestoreBatch(
    binding: ChangelogBinding,
    records: readonly BufferedWrite[],
    lastOffset: string,
    inputOffsets?: ReadonlyMap<string, string>,
  ): void {
    const table = this.db.table(binding.store);
    const offsets = new Map([[changelogOffsetName(binding.topic, binding.partition), lastOffset]]);
    for (const [tp, next] of inputOffsets ?? []) {
      const { topic, partition } = parseTpKey(tp);
      const name = inputOffsetName(topic, partition);
      const current = this.db.readOffsets().get(name);
      if (current === undefined || BigInt(current) < BigInt(next)) offsets.set(name, next);
    }
    this.db.transaction(() => {
      table.writeAll(records);
      this.db.writeOffsets(offsets);
    });
  }

  close(): void {
    for (const store of this.built.values()) store.close();
    this.built.clear();
    this.db.close();
  }

  get taskId(): string {
    return this.options.taskId;
  }
}
