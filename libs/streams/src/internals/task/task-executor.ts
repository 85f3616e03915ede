import type { Processor, ProcessorContext } from '../../api/processor';
import type { RecordMetadata, StreamRecord } from '../../api/record';
import type { KeyValueStore } from '../../api/store';
import { ProcessorContextError, StreamsError } from '../../errors';
import { taskId as makeTaskId } from '../topology/names';
import type { NodeSpec, SinkNodeSpec, SubtopologySpec } from '../topology/spec';
import type { TaskExecutor, TaskExecutorOptions, TaskStore } from './contract';
import { PunctuationQueue } from './punctuation';

type AnyRecord = StreamRecord<unknown, unknown>;
type AnyProcessor = Processor<unknown, unknown, unknown, unknown>;

/**
 * Runs one task — the processors of one subtopology for one partition — synchronously and
 * depth-first: a record goes from its source node through every child before `process` returns.
 * Knows nothing about bytes or Kafka; the caller supplies stores, the collector and the clock.
 */
export function createTaskExecutor(options: TaskExecutorOptions): TaskExecutor {
  return new DefaultTaskExecutor(options);
}

class DefaultTaskExecutor implements TaskExecutor {
  readonly id: string;
  readonly partition: number;
  private time = -1;
  private readonly sub: SubtopologySpec;
  private readonly sourceByTopic = new Map<string, string>();
  private readonly processors = new Map<string, AnyProcessor>();
  private readonly stores = new Map<string, TaskStore>();
  private readonly streamPunctuation = new PunctuationQueue('stream-time');
  private readonly wallPunctuation = new PunctuationQueue('wall-clock');
  private metadata: RecordMetadata | undefined;
  private state: 'created' | 'running' | 'closed' = 'created';

  constructor(private readonly options: TaskExecutorOptions) {
    const sub = options.topology.subtopologies.find((s) => s.id === options.subtopology);
    if (!sub) throw new StreamsError(`no subtopology ${options.subtopology} in topology`);
    this.sub = sub;
    this.partition = options.partition;
    this.id = makeTaskId(sub.id, options.partition);
    for (const name of sub.sourceNodes) {
      const node = this.node(name);
      if (node.kind === 'source') this.sourceByTopic.set(options.resolveTopic(node.topic), name);
    }
  }

  get streamTime(): number {
    return this.time;
  }

  init(): void {
    if (this.state !== 'created') throw new StreamsError(`task ${this.id} already initialized`);
    for (const name of this.sub.stores) {
      const spec = this.options.topology.stores.get(name);
      if (!spec) throw new StreamsError(`store ${name} of task ${this.id} has no spec`);
      this.stores.set(name, this.options.stores(spec, this.id, this.partition));
    }
    for (const name of this.sub.nodes) {
      const node = this.node(name);
      if (node.kind === 'processor') this.processors.set(name, node.supplier());
    }
    this.state = 'running';
    for (const [name, processor] of this.processors) {
      processor.init?.(this.contextFor(this.node(name)));
    }
  }

  process(topic: string, record: AnyRecord, metadata: RecordMetadata): void {
    this.ensureRunning();
    const source = this.sourceByTopic.get(topic);
    if (!source) throw new StreamsError(`task ${this.id} has no source for topic ${topic}`);
    if (record.timestamp > this.time) this.time = record.timestamp;
    this.metadata = metadata;
    try {
      this.forwardFrom(this.node(source), record);
    } finally {
      this.metadata = undefined;
    }
    this.streamPunctuation.fire(this.time);
  }

  punctuateWallClock(now: number): number {
    this.ensureRunning();
    return this.wallPunctuation.fire(now);
  }

  flush(): void {
    for (const store of this.stores.values()) store.flush();
  }

  close(): void {
    if (this.state === 'closed') return;
    const wasRunning = this.state === 'running';
    this.state = 'closed';
    this.streamPunctuation.clear();
    this.wallPunctuation.clear();
    let failure: unknown;
    if (wasRunning) {
      for (const processor of this.processors.values()) {
        try {
          processor.close?.();
        } catch (error) {
          failure ??= error;
        }
      }
    }
    for (const store of this.stores.values()) {
      try {
        store.close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  store(name: string): TaskStore | undefined {
    return this.stores.get(name);
  }

  private ensureRunning(): void {
    if (this.state !== 'running') throw new StreamsError(`task ${this.id} is ${this.state}, not running`);
  }

  private node(name: string): NodeSpec {
    const node = this.options.topology.nodes.get(name);
    if (!node) throw new StreamsError(`node ${name} is not in the topology`);
    return node;
  }

  private forwardFrom(from: NodeSpec, record: AnyRecord, childName?: string): void {
    if (from.kind === 'sink') return;
    if (childName !== undefined) {
      if (!from.children.includes(childName)) {
        throw new ProcessorContextError(`unknown child ${childName}`, this.id, from.name);
      }
      this.deliver(this.node(childName), record);
      return;
    }
    for (const child of from.children) this.deliver(this.node(child), record);
  }

  private deliver(node: NodeSpec, record: AnyRecord): void {
    switch (node.kind) {
      case 'processor': {
        const processor = this.processors.get(node.name);
        if (!processor) throw new StreamsError(`processor ${node.name} not in task ${this.id}`);
        processor.process(record);
        return;
      }
      case 'sink':
        this.send(node, record);
        return;
      case 'source':
        throw new StreamsError(`source node ${node.name} cannot be a child`);
    }
  }

  private send(sink: SinkNodeSpec, record: AnyRecord): void {
    this.options.collector.send(this.options.resolveTopic(sink.topic), record, sink);
  }

  private contextFor(node: NodeSpec): ProcessorContext<unknown, unknown> {
    const allowed = new Set(node.kind === 'processor' ? node.stores : []);
    return {
      applicationId: this.options.app.id,
      taskId: this.id,
      forward: (record, childName) => {
        this.ensureRunning();
        this.forwardFrom(node, record, childName);
      },
      getStateStore: <K, V>(name: string): KeyValueStore<K, V> => {
        const store = allowed.has(name) ? this.stores.get(name) : undefined;
        if (!store) throw new ProcessorContextError(`store ${name} is not connected`, this.id, node.name);
        return store as unknown as KeyValueStore<K, V>;
      },
      schedule: (intervalMs, type, punctuator) =>
        type === 'stream-time'
          ? this.streamPunctuation.add(node.name, intervalMs, punctuator, 0)
          : this.wallPunctuation.add(node.name, intervalMs, punctuator, this.options.clock() + intervalMs),
      recordMetadata: () => this.metadata,
      currentStreamTimeMs: () => this.time,
      currentSystemTimeMs: () => this.options.clock(),
    };
  }
}
