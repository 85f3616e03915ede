import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ThreadError, ThreadOp } from './protocol';
import { toThreadError } from './protocol';

interface SyncRequest {
  readonly id: number;
  readonly op: ThreadOp;
  readonly args: readonly unknown[];
}

export interface SyncReply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: ThreadError;
}

/** The thread's end of a synchronous channel: a port and the flag it raises after each reply. */
export interface SyncEndpoint {
  readonly port: MessagePort;
  readonly flag: SharedArrayBuffer;
}

/**
 * A blocking call from the process into a stream thread, for the read APIs that are synchronous
 * (`queryAll`, `queryRange`, `localStore`): the caller posts a request, then sleeps on a shared flag
 * (`Atomics.wait`) until the thread has posted its reply, and takes that reply off the port
 * synchronously (`receiveMessageOnPort`). The thread answers from its event loop, between
 * processing steps, and never waits on the process, so the call cannot deadlock; it is bounded by
 * `timeoutMs` in case the thread is stuck or gone.
 */
export class SyncCaller {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly channel = new MessageChannel();
  private nextId = 0;

  /** What the thread needs (its port goes in the Worker's transfer list). */
  get endpoint(): SyncEndpoint {
    return { port: this.channel.port2, flag: this.flag.buffer as SharedArrayBuffer };
  }

  /** The thread's reply, or undefined when it did not come within `timeoutMs`. */
  call(op: ThreadOp, args: readonly unknown[], timeoutMs: number): SyncReply | undefined {
    const id = ++this.nextId;
    const deadline = Date.now() + timeoutMs;
    Atomics.store(this.flag, 0, 0);
    this.channel.port1.postMessage({ id, op, args } satisfies SyncRequest);
    for (;;) {
      const reply = this.take(id);
      if (reply) return reply;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      // lowered before the queue is read again, so a reply posted in between still wakes the wait
      Atomics.store(this.flag, 0, 0);
      const late = this.take(id);
      if (late) return late;
      Atomics.wait(this.flag, 0, 0, remaining);
    }
  }

  close(): void {
    this.channel.port1.close();
  }

  /** Replies of calls that timed out earlier are dropped here. */
  private take(id: number): SyncReply | undefined {
    for (let m = receiveMessageOnPort(this.channel.port1); m; m = receiveMessageOnPort(this.channel.port1)) {
      const reply = m.message as SyncReply;
      if (reply.id === id) return reply;
    }
    return undefined;
  }
}

/** The thread side: answers each request on the port, then raises the flag. */
export function serveSyncCalls(endpoint: SyncEndpoint, handle: (op: ThreadOp, args: readonly unknown[]) => unknown): () => void {
  const flag = new Int32Array(endpoint.flag);
  const onMessage = (request: SyncRequest) => {
    let reply: SyncReply;
    try {
      reply = { id: request.id, result: handle(request.op, request.args) };
    } catch (error) {
      reply = { id: request.id, error: toThreadError(error) };
    }
    endpoint.port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  endpoint.port.on('message', onMessage);
  return () => {
    endpoint.port.off('message', onMessage);
    endpoint.port.close();
  };
}
