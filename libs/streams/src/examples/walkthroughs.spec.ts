import { TopologyTestDriver } from '../internals/driver/test-driver';
import { walkthroughSerdes as s, walkthroughTopology, type WalkthroughOptions } from './walkthroughs';

const MIN = 60_000;
const options: WalkthroughOptions = {
  topics: { messages: 'zr-messages', walkIns: 'walk-ins', walkthroughs: 'walkthroughs' },
  attributionWindowMs: 60 * MIN,
  settleMs: 5 * MIN,
  retentionMs: 120 * MIN,
  punctuateEveryMs: MIN,
};

function setup() {
  const spec = walkthroughTopology(options);
  const driver = new TopologyTestDriver(spec, { defaultPartitions: 3, wallClockStartMs: 0 });
  return {
    spec,
    driver,
    messages: driver.createInputTopic(options.topics.messages, s.key, s.message),
    walkIns: driver.createInputTopic(options.topics.walkIns, s.key, s.walkIn),
    out: driver.createOutputTopic(options.topics.walkthroughs, s.key, s.walkthrough),
  };
}

const msg = (id: string, customerId: string, sentAt: number) => ({ messageId: id, businessId: 'cafe', customerId, sentAt });
const walkIn = (id: string, customerId: string, at: number) => ({ walkInId: id, businessId: 'cafe', customerId, at });

describe('walkthrough generator (driver, wall-clock punctuation)', () => {
  it('co-partitions both repartitioned inputs into the task that holds both stores', () => {
    const { spec } = setup();
    const stateful = spec.subtopologies.find((t) => t.stores.length > 0);
    expect(stateful?.stores).toEqual(['customer-messages', 'pending-walk-ins']);
    expect(stateful?.sourceTopics.map((t) => t.name)).toEqual(['messages-by-customer', 'walk-ins-by-customer']);
    expect(spec.copartitionGroups.map((g) => g.map((t) => t.name))).toEqual([['messages-by-customer', 'walk-ins-by-customer']]);
  });

  it('turns settled walk-ins into walkthroughs only when the wall clock advances', async () => {
    const { driver, messages, walkIns, out } = setup();
    await messages.pipeInput('m1', msg('m1', 'ann', 10 * MIN));
    await walkIns.pipeInput('w1', walkIn('w1', 'ann', 30 * MIN));
    await walkIns.pipeInput('w2', walkIn('w2', 'bob', 30 * MIN)); // bob got no message
    expect(out.isEmpty()).toBe(true);
    await driver.advanceWallClockTime(34 * MIN); // walk-ins not settled yet (30 + 5 > 34)
    expect(out.isEmpty()).toBe(true);
    await driver.advanceWallClockTime(1 * MIN);
    expect(await out.readKeyValuesToList()).toEqual([
      { key: 'cafe|ann', value: { businessId: 'cafe', customerId: 'ann', walkInId: 'w1', messageId: 'm1', walkInAt: 30 * MIN, sentAt: 10 * MIN } },
    ]);
    expect([...(driver.getKeyValueStore('pending-walk-ins')?.all() ?? [])]).toEqual([]);
  });

  it('handles a message that arrives after its walk-in, and attributes to the latest message before the walk-in', async () => {
    const { driver, messages, walkIns, out } = setup();
    await walkIns.pipeInput('w1', walkIn('w1', 'ann', 30 * MIN));
    await messages.pipeInput('m2', msg('m2', 'ann', 40 * MIN)); // after the walk-in: not attributable
    await messages.pipeInput('m1', msg('m1', 'ann', 20 * MIN)); // late, out of order
    await messages.pipeInput('m0', msg('m0', 'ann', 5 * MIN));
    await driver.advanceWallClockTime(40 * MIN);
    expect((await out.readValuesToList()).map((w) => w?.messageId)).toEqual(['m1']);
  });

  it('ignores messages outside the attribution window and purges old messages', async () => {
    const { driver, messages, walkIns, out } = setup();
    await messages.pipeInput('m1', msg('m1', 'ann', 0));
    await walkIns.pipeInput('w1', walkIn('w1', 'ann', 61 * MIN)); // 61 min after: outside the 60 min window
    await driver.advanceWallClockTime(70 * MIN);
    expect(out.isEmpty()).toBe(true);
    const stored = driver.getKeyValueStore<string, unknown[]>('customer-messages');
    expect(stored?.get('cafe|ann')).toHaveLength(1);
    await driver.advanceWallClockTime(51 * MIN); // now 121 min: m1 (sent at 0) is older than 120 min
    expect(stored?.get('cafe|ann')).toBeUndefined();
    await walkIns.pipeInput('w2', walkIn('w2', 'ann', 30 * MIN)); // would have matched m1, but it is gone
    await driver.advanceWallClockTime(MIN);
    expect(out.isEmpty()).toBe(true);
  });
});
