import type { MetricsRegistry } from '@platform/metrics';
import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { LocalApplication } from '../runtime/local-application';
import type { TopologySpec } from '../topology/spec';
import type { KeyQueryOptions, QueryPosition } from '../query/query-result';
import type { ListQueryOptions } from '../query/interactive-queries';
import type { PlanSummary, ThreadOp, ThreadView } from './protocol';
import { StreamsError } from '../../errors';

/** A key query as it crosses to a thread: the key's bytes when the caller gave its own key serde. */
export interface ThreadKeyQuery {
  readonly store: string;
  readonly key: unknown;
  readonly keyBytes?: Uint8Array;
  readonly position?: QueryPosition;
  readonly timeoutMs?: number;
}

/** A stream thread's side of the process's requests, and the view of itself it publishes. */
export class ThreadRequests {
  private memberId: string | undefined;
  private assigned: readonly string[] = [];

  constructor(
    private readonly app: LocalApplication,
    private readonly topology: TopologySpec,
    private readonly metrics: MetricsRegistry | undefined,
    private readonly publish: (view: ThreadView) => void,
  ) {
    app.on('rebalance.assigned', ({ memberId, tasks }) => {
      this.memberId = memberId;
      this.assigned = [...tasks];
      this.publishView();
    });
    for (const event of ['task.opened', 'task.closed', 'task.isolated', 'task.fenced'] as const) app.on(event, () => this.publishView());
  }

  publishView(): void {
    this.publish({
      memberId: this.memberId,
      assigned: this.assigned,
      local: this.app.localTasks(),
      isolated: this.app.isolatedTasks(),
      assignment: this.app.assignmentInfo,
      plan: this.plan(),
    });
  }

  /** Requests answered asynchronously. */
  async answer(op: ThreadOp, args: readonly unknown[]): Promise<unknown> {
    if (op === 'metrics') return this.metrics ? this.metrics.prom.getMetricsAsJSON() : [];
    if (op !== 'query') return this.answerNow(op, args);
    const q = args[0] as ThreadKeyQuery;
    const bytes = q.keyBytes;
    const options: KeyQueryOptions<unknown> = {
      ...(bytes ? { keySerde: { serialize: () => Buffer.from(bytes) } } : {}),
      ...(q.position ? { position: q.position } : {}),
      ...(q.timeoutMs !== undefined ? { timeoutMs: q.timeoutMs } : {}),
    };
    return this.app.query(q.store, q.key, options);
  }

  /** Requests answered synchronously (the process is blocked until the reply). */
  answerNow(op: ThreadOp, args: readonly unknown[]): unknown {
    const store = args[0] as string;
    switch (op) {
      case 'queryAll':
        return this.app.queryAll(store, args[1] as ListQueryOptions | undefined);
      case 'queryRange':
        return this.app.queryRange(store, args[1], args[2], args[3] as ListQueryOptions | undefined);
      case 'storeGet':
        return this.app.localStore(store).get(args[1]);
      case 'storeRange':
        return [...this.app.localStore(store).range(args[1], args[2])];
      case 'storeAll':
        return [...this.app.localStore(store).all()];
      case 'storePrefix':
        return [...this.app.localStore(store).prefixScan(undefined, bytesSerde(args[1] as Uint8Array))] satisfies KeyValue<unknown, unknown>[];
      case 'storeCount':
        return this.app.localStore(store).approximateNumEntries();
      default:
        throw new StreamsError(`a stream thread answers ${op} asynchronously`);
    }
  }

  private plan(): PlanSummary | undefined {
    const plan = this.app.topicPlan;
    if (!plan) return undefined;
    const partitionCounts = new Map<string, number>();
    for (const sub of this.topology.subtopologies) {
      for (const topic of plan.sourceTopics.get(sub.id) ?? []) partitionCounts.set(topic, plan.partitionCount(topic));
    }
    return { sourceTopics: new Map(plan.sourceTopics), taskCounts: new Map(plan.taskCounts), partitionCounts };
  }
}

/** A prefix serialized by the process, handed to the store as is. */
function bytesSerde(bytes: Uint8Array): SyncSerde<unknown> {
  return {
    serialize: () => Buffer.from(bytes),
    deserialize: () => {
      throw new StreamsError('a prefix is never read back');
    },
  };
}
