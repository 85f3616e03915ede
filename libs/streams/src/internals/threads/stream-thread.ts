import { Worker } from 'node:worker_threads';
import type { Logger } from '@platform/common';
import type { StreamsState } from '../runtime/lifecycle';
import type { StreamsEventName } from '../runtime/events';
import { StreamsError } from '../../errors';
import type { ProcessMessage, ThreadError, ThreadMessage, ThreadOp, ThreadView } from './protocol';
import { SyncCaller, type SyncReply } from './sync-channel';
import type { ThreadData } from './thread-data';
import { THREAD_ENTRY, bootstrapSource } from './thread-bootstrap';

/** What a thread reports to the application that runs it. */
export interface ThreadObserver {
  state(thread: StreamThread): void;
  view(thread: StreamThread): void;
  event(name: StreamsEventName, payload: unknown): void;
  /** The thread died: its worker exited, or its application went to ERROR. */
  died(thread: StreamThread, cause: unknown): void;
}

/** An error of a stream thread, rebuilt in the process with the thread's name and stack. */
export class StreamThreadError extends StreamsError {
  constructor(
    readonly thread: number,
    readonly original: ThreadError,
  ) {
    super(`stream thread ${thread}: ${original.name}: ${original.message}`);
    if (original.stack) this.stack = `${this.name}: ${this.message}\n(in the thread) ${original.stack}`;
  }
}

/** The process's handle on one stream thread (a worker running `thread-main`). */
export class StreamThread {
  state: StreamsState = 'CREATED';
  cause: unknown;
  view: ThreadView | undefined;
  readonly started: Promise<void>;
  private readonly worker: Worker;
  private readonly sync = new SyncCaller();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private nextRequest = 0;
  private closing = false;
  private exited = false;
  private readonly exit: Promise<void>;

  constructor(
    readonly index: number,
    data: Omit<ThreadData, 'index' | 'sync'>,
    private readonly observer: ThreadObserver,
    private readonly logger: Logger,
  ) {
    const threadData: ThreadData = { ...data, index, sync: this.sync.endpoint };
    this.worker = new Worker(bootstrapSource(THREAD_ENTRY, data.topology.module), {
      eval: true,
      workerData: threadData,
      transferList: [threadData.sync.port],
      name: `stream-thread-${index}`,
    });
    let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
    this.started = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.worker.on('message', (message: ThreadMessage) => this.onMessage(message, settle!));
    this.worker.on('error', (error) => {
      this.cause = error;
      this.logger.error('stream thread failed', { thread: index, error: String(error) });
    });
    this.exit = new Promise((resolve) =>
      this.worker.on('exit', (code) => {
        this.exited = true;
        this.sync.close();
        for (const { reject } of this.pending.values()) reject(new StreamsError(`stream thread ${index} exited`));
        this.pending.clear();
        const cause = this.cause ?? new StreamsError(`stream thread ${index} exited with code ${code}`);
        settle!.reject(cause);
        if (!this.closing) this.observer.died(this, cause);
        resolve();
      }),
    );
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** A request the thread answers from its event loop. */
  request(op: ThreadOp, args: readonly unknown[]): Promise<unknown> {
    if (this.exited) return Promise.reject(new StreamsError(`stream thread ${this.index} is not running`));
    const id = ++this.nextRequest;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'request', id, op, args });
    });
  }

  /** A request the process blocks on (bounded); undefined when the thread did not answer in time. */
  requestNow(op: ThreadOp, args: readonly unknown[], timeoutMs: number): SyncReply | undefined {
    if (this.exited) return undefined;
    return this.sync.call(op, args, timeoutMs);
  }

  /** Closes the thread's application (flush, commit, leave the group), then its worker; terminated after `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    this.post({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    const outcome = await Promise.race([this.exit, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.logger.warn('stream thread did not close in time; terminating it', { thread: this.index, timeoutMs });
      await this.worker.terminate();
    }
  }

  /** Stops the worker at once (its group membership ends with the session timeout). */
  async terminate(): Promise<void> {
    this.closing = true;
    if (!this.exited) await this.worker.terminate();
  }

  private post(message: ProcessMessage): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: ThreadMessage, settle: { resolve: () => void; reject: (e: unknown) => void }): void {
    switch (message.type) {
      case 'started':
        settle.resolve();
        return;
      case 'start-failed':
        this.cause = new StreamThreadError(this.index, message.error);
        settle.reject(this.cause);
        return;
      case 'state':
        this.state = message.state;
        if (message.cause) this.cause = new StreamThreadError(this.index, message.cause);
        this.observer.state(this);
        if (message.state === 'ERROR' && !this.closing) this.observer.died(this, this.cause);
        return;
      case 'view':
        this.view = message.view;
        this.observer.view(this);
        return;
      case 'event':
        this.observer.event(message.name, message.payload);
        return;
      case 'log':
        this.logger[message.level](message.message, { ...message.fields, thread: this.index });
        return;
      case 'reply': {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new StreamThreadError(this.index, message.error));
        else waiter?.resolve(message.result);
        return;
      }
      case 'closed':
        return;
    }
  }
}
