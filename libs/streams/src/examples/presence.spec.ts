import { TopologyTestDriver } from '../internals/driver/test-driver';
import { presenceSerdes as s, presenceTopology, type PresenceTopics } from './presence';

const topics: PresenceTopics = {
  walkIns: 'walk-ins',
  deviceContacts: 'device-contacts',
  enrichedWalkIns: 'enriched-walk-ins',
  walkInCounts: 'walk-in-counts',
};

describe('presence pipeline (driver)', () => {
  it('declares its repartition topics, stores and co-partitioning', () => {
    const spec = presenceTopology(topics);
    expect(spec.repartitionTopics.map((t) => t.name)).toEqual(['enrich-walk-ins-left', 'walk-ins-by-contact']);
    expect([...spec.stores.keys()]).toEqual(['device-contacts', 'walk-in-counts']);
    expect(spec.subtopologies.map((t) => t.sourceTopics.map((r) => r.name))).toEqual([
      ['device-contacts', 'enrich-walk-ins-left'],
      ['walk-ins'],
      ['walk-ins-by-contact'],
    ]);
    expect(spec.copartitionGroups.map((g) => g.map((t) => t.name).sort())).toEqual([['device-contacts', 'enrich-walk-ins-left']]);
  });

  it('enriches walk-ins keyed by business with the device contact and counts per (business, contact)', async () => {
    const driver = new TopologyTestDriver(presenceTopology(topics), { defaultPartitions: 4 });
    const contacts = driver.createInputTopic(topics.deviceContacts, s.key, s.deviceContact);
    const walkIns = driver.createInputTopic(topics.walkIns, s.key, s.walkIn);
    const devices = Array.from({ length: 12 }, (_, i) => `device-${i}`);
    for (const [i, device] of devices.entries()) await contacts.pipeInput(device, { contactId: `contact-${i % 6}` });
    let at = 1_000;
    for (const business of ['cafe', 'gym']) {
      for (const device of devices) await walkIns.pipeInput(business, { deviceId: device, businessId: business, at: at++ }, at);
    }
    await walkIns.pipeInput('cafe', { deviceId: 'device-unknown', businessId: 'cafe', at: at++ }, at);
    await walkIns.pipeInput('cafe', { deviceId: 'device-0', businessId: 'cafe', at: at++ }, at);

    const enriched = await driver.createOutputTopic(topics.enrichedWalkIns, s.key, s.enrichedWalkIn).readKeyValuesToList();
    expect(enriched).toHaveLength(25);
    expect(enriched[0]).toEqual({ key: 'device-0', value: { deviceId: 'device-0', businessId: 'cafe', at: 1_000, contactId: 'contact-0' } });
    const counts = await driver.createOutputTopic(topics.walkInCounts, s.key, s.count).readKeyValuesToMap();
    const expected = new Map<string, number>();
    for (const business of ['cafe', 'gym']) for (let c = 0; c < 6; c++) expected.set(`${business}|contact-${c}`, 2);
    expected.set('cafe|contact-0', 3);
    expect(counts).toEqual(expected);
    expect(driver.getKeyValueStore<string, number>('walk-in-counts')?.get('cafe|contact-0')).toBe(3);
  });

  it('uses the latest contact of a device after the table changes', async () => {
    const driver = new TopologyTestDriver(presenceTopology(topics));
    const contacts = driver.createInputTopic(topics.deviceContacts, s.key, s.deviceContact);
    const walkIns = driver.createInputTopic(topics.walkIns, s.key, s.walkIn);
    await contacts.pipeInput('d1', { contactId: 'ann' });
    await walkIns.pipeInput('cafe', { deviceId: 'd1', businessId: 'cafe', at: 1 });
    await contacts.pipeInput('d1', { contactId: 'bob' });
    await walkIns.pipeInput('cafe', { deviceId: 'd1', businessId: 'cafe', at: 2 });
    await contacts.pipeInput('d1', null);
    await walkIns.pipeInput('cafe', { deviceId: 'd1', businessId: 'cafe', at: 3 });
    const counts = await driver.createOutputTopic(topics.walkInCounts, s.key, s.count).readKeyValuesToList();
    expect(counts).toEqual([
      { key: 'cafe|ann', value: 1 },
      { key: 'cafe|bob', value: 1 },
    ]);
  });
});
