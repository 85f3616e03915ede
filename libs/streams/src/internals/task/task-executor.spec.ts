import type { Processor, ProcessorContext } from '../../api/processor';
import type { StreamRecord } from '../../api/record';
import { ProcessorContextError } from '../../errors';
import { Serdes } from '../../serdes/serdes';
import { memoryStoreFactory } from '../state/memory-store';
import { Stores } from '../topology/stores';
import { Topology } from '../topology/topology';
import type { SinkNodeSpec, TopologySpec } from '../topology/spec';
import { createTaskExecutor } from './task-executor';

const s = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
const rec = (key: string, value: string, timestamp: number): StreamRecord<string, string> => ({ key, value, timestamp, headers: {} });
const meta = (offset: number) => ({ topic: 'input', partition: 2, offset: String(offset) });

function harness(topology: TopologySpec, subtopology = 0) {
  const sent: { topic: string; record: StreamRecord<unknown, unknown>; sink: SinkNodeSpec }[] = [];
  let now = 1_000;
  const executor = createTaskExecutor({
    app: { id: 'app', version: 1 },
    topology,
    subtopology,
    partition: 2,
    resolveTopic: (ref) => (ref.kind === 'external' ? ref.name : `app-v1-${ref.name}-repartition`),
    stores: memoryStoreFactory,
    collector: { send: (topic, record, sink) => sent.push({ topic, record, sink }) },
    clock: () => now,
  });
  executor.init();
  return { executor, sent, setNow: (ms: number) => (now = ms) };
}

describe('createTaskExecutor', () => {
  it('routes a record through processors to every sink, and to a named child only', () => {
    const router = (): Processor<string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => (ctx = c),
        process: (r) => (r.key === 'only-b' ? ctx.forward(r, 'b') : ctx.forward({ ...r, value: r.value.toUpperCase() })),
      };
    };
    const spec = new Topology()
      .addSource('in', 'input', s)
      .addProcessor('route', router, 'in')
      .addSink('a', 'out-a', s, 'route')
      .addSink('b', { kind: 'repartition', name: 'rep' }, s, 'route')
      .addSource('rep-in', { kind: 'repartition', name: 'rep' }, s)
      .build();
    const { executor, sent } = harness(spec);
    expect(executor.id).toBe('0_2');
    executor.process('input', rec('k', 'v', 5), meta(0));
    executor.process('input', rec('only-b', 'w', 6), meta(1));
    expect(sent.map((x) => [x.topic, x.sink.name, x.record.key, x.record.value])).toEqual([
      ['out-a', 'a', 'k', 'V'],
      ['app-v1-rep-repartition', 'b', 'k', 'V'],
      ['app-v1-rep-repartition', 'b', 'only-b', 'w'],
    ]);
    expect(executor.streamTime).toBe(6);
  });

  it('exposes record metadata, stream time and connected stores only', () => {
    const seen: unknown[] = [];
    const counter = (): Processor<string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => (ctx = c),
        process: (r) => {
          const store = ctx.getStateStore<string, string>('counts');
          store.put(r.key, String(Number(store.get(r.key) ?? '0') + 1));
          seen.push([ctx.recordMetadata()?.offset, ctx.currentStreamTimeMs(), ctx.taskId, ctx.applicationId]);
          expect(() => ctx.getStateStore('other')).toThrow(ProcessorContextError);
        },
      };
    };
    const spec = new Topology()
      .addSource('in', 'input', s)
      .addProcessor('count', counter, 'in')
      .addStateStore(Stores.keyValue('counts', Serdes.string(), Serdes.string()), 'count')
      .addSource('in2', 'input2', s)
      .addProcessor('other-user', counter, 'in2')
      .addStateStore(Stores.keyValue('other', Serdes.string(), Serdes.string()), 'other-user')
      .build();
    const { executor } = harness(spec);
    executor.process('input', rec('k', 'v', 50), meta(7));
    executor.process('input', rec('k', 'v', 20), meta(8));
    expect(seen).toEqual([
      ['7', 50, '0_2', 'app'],
      ['8', 50, '0_2', 'app'],
    ]);
    expect(executor.store('counts')?.get('k')).toBe('2');
    expect(executor.store('other')).toBeUndefined();
    expect(() => executor.process('input2', rec('k', 'v', 1), meta(1))).toThrow(/no source for topic input2/);
  });

  it('fires stream-time punctuators as record time advances, and wall-clock ones on demand', () => {
    const fired: string[] = [];
    let cancelWall: () => void = () => undefined;
    const punctuating = (): Processor<string, string> => ({
      init: (ctx) => {
        ctx.schedule(100, 'stream-time', (t) => {
          fired.push(`stream@${t}:${ctx.recordMetadata() === undefined}`);
          ctx.forward({ key: 'tick', value: String(t), timestamp: t, headers: {} });
        });
        const c = ctx.schedule(50, 'wall-clock', (t) => fired.push(`wall@${t}`));
        cancelWall = () => c.cancel();
      },
      process: () => undefined,
    });
    const spec = new Topology()
      .addSource('in', 'input', s)
      .addProcessor('p', punctuating, 'in')
      .addSink('out', 'out', s, 'p')
      .build();
    const { executor, sent } = harness(spec);
    executor.process('input', rec('a', 'x', 1_000), meta(0)); // first record: fires, next due 1100
    executor.process('input', rec('a', 'x', 1_050), meta(1)); // not due
    executor.process('input', rec('a', 'x', 1_000), meta(2)); // out of order: stream time stays
    executor.process('input', rec('a', 'x', 1_350), meta(3)); // fires once, skipping missed intervals
    executor.process('input', rec('a', 'x', 1_399), meta(4)); // next due 1400
    expect(executor.punctuateWallClock(1_049)).toBe(0);
    expect(executor.punctuateWallClock(1_050)).toBe(1);
    cancelWall();
    expect(executor.punctuateWallClock(5_000)).toBe(0);
    expect(fired).toEqual(['stream@1000:true', 'stream@1350:true', 'wall@1050']);
    expect(sent.map((x) => x.record.value)).toEqual(['1000', '1350']);
  });

  it('closes processors and stores; a closed task refuses work', () => {
    const closed: string[] = [];
    const spec = new Topology()
      .addSource('in', 'input', s)
      .addProcessor('p', () => ({ process: () => undefined, close: () => closed.push('p') }), 'in')
      .addStateStore(Stores.keyValue('st', Serdes.string(), Serdes.string()), 'p')
      .build();
    const { executor } = harness(spec);
    const store = executor.store('st');
    executor.flush();
    executor.close();
    expect(closed).toEqual(['p']);
    expect(() => store?.get('x')).toThrow(/closed/);
    expect(() => executor.process('input', rec('k', 'v', 1), meta(0))).toThrow(/closed/);
  });
});
