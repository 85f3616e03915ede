import type { Consumer } from 'kafkajs';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { runCliForTest } from './__fixtures__/run-cli';

/** The Zenreach case: a consumer stuck on a record it cannot read; the admin skips it by shifting the group's offset. */
describe('group shift past a poison record on a real topic', () => {
  const kafka = newKafka('cli-group-shift-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  /** Consumes `topic` in `group`, committing each good record; stops (pauses) at the poison one. */
  async function consume(group: string, topic: string, seen: number[], stuck: { at?: number }): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        const offset = Number(message.offset);
        if (message.value?.toString() === 'poison') {
          stuck.at = offset;
          consumer.pause([{ topic }]); // stuck: stays in the group, commits nothing past the poison record
          return;
        }
        seen.push(offset);
        await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1) }]);
      },
    });
    return consumer;
  }

  it('refuses while the group has a live member (exit 5), then moves the offset by one and the group resumes after the poison record', async () => {
    const topic = uniqueName('cli-poison');
    const group = uniqueName('cli-poison-group');
    await createTopic(admin, topic, { partitions: 1 });
    await producer.send({ topic, messages: ['ok-0', 'ok-1', 'poison', 'ok-3', 'ok-4'].map((value) => ({ key: 'k', value })) });

    const seen: number[] = [];
    const stuck: { at?: number } = {};
    const first = await consume(group, topic, seen, stuck);
    await waitFor(() => stuck.at === 2, { timeoutMs: 20_000, description: 'the consumer reached the poison record' });
    expect(seen).toEqual([0, 1]);

    const refused = await runCliForTest(['group', 'shift', group, '--topic', topic, '--by', '1', '--yes']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/live member/);

    await first.disconnect();
    const dry = await runCliForTest(['group', 'shift', group, '--topic', topic, '--partition', '0', '--by', '1', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ applied: false, moves: [{ topic, partition: 0, from: 2, to: 3 }] });
    const [stillAt] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(stillAt?.partitions[0]?.offset).toBe('2');

    const shifted = await runCliForTest(['group', 'shift', group, '--topic', topic, '--partition', '0', '--by', '1', '--yes', '--json']);
    expect(shifted.code).toBe(0);
    expect(shifted.json()).toMatchObject({ applied: true, moves: [{ partition: 0, from: 2, to: 3 }] });

    const offsets = await runCliForTest(['group', 'offsets', group, '--json']);
    expect(offsets.json()).toMatchObject({ lag: 2, partitions: [{ topic, partition: 0, committed: 3, high: 5, lag: 2 }] });

    const after: number[] = [];
    const again: { at?: number } = {};
    await consume(group, topic, after, again);
    await waitFor(() => after.length === 2, { timeoutMs: 20_000, description: 'the group read the records after the poison one' });
    expect(after).toEqual([3, 4]);
    expect(again.at).toBeUndefined();
  });

  it('answers usage errors with exit 2 and unknown topics with exit 4', async () => {
    expect((await runCliForTest(['group', 'shift', 'g'])).code).toBe(2);
    expect((await runCliForTest(['group', 'shift', 'g', '--topic', 't', '--by', '1', '--to-time', '-1h'])).code).toBe(2);
    expect((await runCliForTest(['no-such-command'])).code).toBe(2);
    const missing = await runCliForTest(['group', 'shift', uniqueName('cli-none'), '--topic', uniqueName('cli-missing'), '--by', '1', '--yes']);
    expect(missing.code).toBe(4);
  });
});
