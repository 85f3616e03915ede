import { IllegalStateError } from './errors';

/** The states of a streams application (as in Kafka Streams' `KafkaStreams.State`). */
export type StreamsState = 'CREATED' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'ERROR';

export type StateListener = (next: StreamsState, previous: StreamsState) => void;

const allowed: Record<StreamsState, readonly StreamsState[]> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  REBALANCING: ['RUNNING', 'REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING', 'ERROR'],
  NOT_RUNNING: [],
  ERROR: ['PENDING_SHUTDOWN'],
};

/** The application's state machine; listeners are called synchronously on every transition. */
export class Lifecycle {
  private current: StreamsState = 'CREATED';
  private readonly listeners = new Set<StateListener>();
  private errorCause: unknown;

  get state(): StreamsState {
    return this.current;
  }

  get cause(): unknown {
    return this.errorCause;
  }

  /** Moves to `next`; returns false (and stays) when the transition is not allowed. */
  transition(next: StreamsState, cause?: unknown): boolean {
    const previous = this.current;
    if (previous === next && next !== 'REBALANCING') return true;
    if (!allowed[previous].includes(next)) return false;
    this.current = next;
    if (next === 'ERROR') this.errorCause = cause;
    for (const listener of [...this.listeners]) listener(next, previous);
    return true;
  }

  /** Transition that must succeed. */
  require(next: StreamsState): void {
    if (!this.transition(next)) throw new IllegalStateError(`cannot go from ${this.current} to ${next}`);
  }

  onChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
