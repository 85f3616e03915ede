import type { EventHub, RestoreProgress } from '../runtime/events';
import type { RestoreStatus } from './query-result';

/**
 * Follows the restoration events and remembers, per task, which stores are still restoring and
 * how far they got. Everything restoring is cleared when an assignment completes.
 */
export class RestoreTracker {
  private readonly active = new Map<string, Map<string, RestoreStatus>>();
  private readonly offs: (() => void)[];

  constructor(events: EventHub) {
    const update = (p: RestoreProgress) => {
      const stores = this.active.get(p.taskId) ?? new Map<string, RestoreStatus>();
      stores.set(`${p.store}|${p.partition}`, {
        taskId: p.taskId,
        store: p.store,
        restored: p.restored,
        total: Number(BigInt(p.endOffset) - BigInt(p.startOffset)),
      });
      this.active.set(p.taskId, stores);
    };
    this.offs = [
      events.on('restore.start', update),
      events.on('restore.batch', update),
      events.on('restore.end', (p) => {
        const stores = this.active.get(p.taskId);
        stores?.delete(`${p.store}|${p.partition}`);
        if (stores && stores.size === 0) this.active.delete(p.taskId);
      }),
      events.on('rebalance.assigned', () => this.active.clear()),
    ];
  }

  /** Progress of the given task (summed over its restoring stores), or undefined when not restoring. */
  status(taskId: string): RestoreStatus | undefined {
    const stores = this.active.get(taskId);
    if (!stores || stores.size === 0) return undefined;
    const all = [...stores.values()];
    return {
      taskId,
      store: all.map((s) => s.store).join(','),
      restored: all.reduce((n, s) => n + s.restored, 0),
      total: all.reduce((n, s) => n + s.total, 0),
    };
  }

  restoringTasks(): RestoreStatus[] {
    return [...this.active.keys()].map((id) => this.status(id)).filter((s): s is RestoreStatus => s !== undefined);
  }

  /** Forgets everything (the application failed or stopped). */
  clear(): void {
    this.active.clear();
  }

  dispose(): void {
    this.offs.forEach((off) => off());
  }
}
