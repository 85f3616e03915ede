import type { Producer } from 'kafkajs';
import { Serdes } from '../../serdes/serdes';
import type { SinkNodeSpec } from '../topology/spec';
import { RecordProductionError } from './errors';
import { ProducerCollector } from './record-collector';
import { TopicLimits } from './topic-limits';

const sink: SinkNodeSpec = { kind: 'sink', name: 'out', topic: { kind: 'external', name: 'out' }, keySerde: Serdes.string(), valueSerde: Serdes.string() };
const record = (value: string) => ({ key: 'k', value, timestamp: 1, headers: {} });

/** A collector whose produce calls are recorded (the broker side is covered by application-production.spec.ts). */
function collector(limit: number) {
  const calls: number[] = [];
  const sendBatch: Producer['sendBatch'] = async (batch) => {
    calls.push(batch.topicMessages!.reduce((n, t) => n + t.messages.length, 0));
    return [];
  };
  return { calls, collector: new ProducerCollector({ sendBatch }, () => 1, new TopicLimits([['out', limit]])) };
}

describe('ProducerCollector size guard', () => {
  it('refuses an output over its topic limit when it is handed over, and keeps the failure for the record even when a processor caught it', () => {
    const { collector: c } = collector(1000);
    c.beginRecord();
    c.send('out', record('ok'), sink);
    let caught: unknown;
    try {
      c.send('out', record('x'.repeat(1000)), sink);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RecordProductionError);
    expect((caught as Error).message).toMatch(/^record of \d+ bytes for out exceeds max.message.bytes 1000$/);
    expect(c.takeFailure()).toBe(caught);
    c.discardRecord();
    c.endRecord();
    expect(c.bufferedCount).toBe(0);
  });

  it('turns a throwing serializer into a production failure of the record', () => {
    const { collector: c } = collector(1000);
    const throwing: SinkNodeSpec = { ...sink, valueSerde: { serialize: () => { throw new Error('nope'); }, deserialize: () => '' } };
    c.beginRecord();
    expect(() => c.send('out', record('v'), throwing)).toThrow('serializing a record for out failed: nope');
    expect(c.takeFailure()?.message).toBe('serializing a record for out failed: nope');
  });

  it('settles asynchronous serializers per record and checks their sizes', async () => {
    const { collector: c } = collector(1000);
    const slow: SinkNodeSpec = { ...sink, valueSerde: { serialize: async (_t, v: unknown) => Buffer.from(String(v)), deserialize: () => '' } };
    c.beginRecord();
    c.send('out', record('x'.repeat(2000)), slow);
    await c.settleRecord();
    expect(c.takeFailure()?.message).toMatch(/exceeds max.message.bytes 1000$/);
    c.discardRecord();
    c.endRecord();
    c.beginRecord();
    c.send('out', record('small'), slow);
    await c.settleRecord();
    expect(c.takeFailure()).toBeUndefined();
    expect(c.bufferedCount).toBe(1);
  });

  it('never puts more bytes of one topic in a produce call than the topic limit', async () => {
    const { collector: c, calls } = collector(1000);
    for (let i = 0; i < 5; i++) c.send('out', record('x'.repeat(400)), sink);
    await c.flush();
    expect(calls).toEqual([2, 2, 1]);
  });
});
