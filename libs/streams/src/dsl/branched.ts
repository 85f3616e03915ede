import type { ProcessorContext } from '../api/processor';
import { TopologyError } from '../errors';
import { statelessSupplier, type DslContext, type Position } from './context';
import { KStream } from './kstream';

interface Branch<K, V> {
  readonly child: string;
  readonly predicate: (key: K, value: V) => boolean;
}

/**
 * The branches of `KStream.split()`. A record goes to the first branch whose predicate matches,
 * else to the default branch, else nowhere. Branch `b` of split `s` is the node `s-b`; the result
 * maps each branch name to its stream.
 */
export class BranchedKStream<K, V, B extends string = never> {
  private constructor(
    private readonly ctx: DslContext,
    private readonly at: Position<K, V>,
    private readonly repartitionRequired: boolean,
    private readonly splitName: string,
    private readonly branches: Branch<K, V>[],
    private readonly streams: Map<string, KStream<K, V>>,
  ) {}

  /** @internal */
  static create<K, V>(ctx: DslContext, at: Position<K, V>, repartitionRequired: boolean, name: string): BranchedKStream<K, V> {
    const branches: Branch<K, V>[] = [];
    ctx.topology.addProcessor<K, V, K, V>(
      name,
      () => {
        let context: ProcessorContext<K, V>;
        return {
          init: (c: ProcessorContext<K, V>) => {
            context = c;
          },
          process: (record) => {
            const match = branches.find((b) => b.predicate(record.key, record.value));
            if (match) context.forward(record, match.child);
          },
        };
      },
      at.node,
    );
    return new BranchedKStream(ctx, at, repartitionRequired, name, branches, new Map());
  }

  branch<N extends string>(name: N, predicate: (key: K, value: V) => boolean): BranchedKStream<K, V, B | N> {
    this.add(name, predicate);
    return this as unknown as BranchedKStream<K, V, B | N>;
  }

  /** Adds a branch for records no predicate matched (default name `default`) and ends the split. */
  defaultBranch<N extends string = 'default'>(name?: N): Record<B | N, KStream<K, V>> {
    this.add(name ?? 'default', () => true);
    return Object.fromEntries(this.streams) as Record<B | N, KStream<K, V>>;
  }

  /** Ends the split; records no predicate matched are dropped. */
  noDefaultBranch(): Record<B, KStream<K, V>> {
    return Object.fromEntries(this.streams) as Record<B, KStream<K, V>>;
  }

  private add(name: string, predicate: (key: K, value: V) => boolean): void {
    if (this.streams.has(name)) throw new TopologyError(`split ${this.splitName} already has a branch ${name}`);
    const child = `${this.splitName}-${name}`;
    this.ctx.topology.addProcessor(child, statelessSupplier<K, V, K, V>((r, f) => f(r)), this.splitName);
    this.branches.push({ child, predicate });
    const position = { ...this.at, node: child };
    this.streams.set(name, new KStream(this.ctx, position, this.repartitionRequired));
  }
}
