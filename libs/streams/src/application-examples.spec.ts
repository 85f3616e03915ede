import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTopic, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { StreamsBuilder } from './dsl/streams-builder';
import { Serdes } from './serdes/serdes';
import { presenceSerdes, presenceTopology, type EnrichedWalkIn } from './examples/presence';
import { walkthroughSerdes, walkthroughTopology, type Walkthrough } from './examples/walkthroughs';
import { TopicReader } from './internals/runtime/__fixtures__/topic-reader';
import type { TopologySpec } from './internals/topology/spec';

describe('DSL topologies and examples on a real broker', () => {
  const { kafka, admin, producer, defer } = useBrokerHarness('streams-examples-spec');

  const startApp = async (spec: TopologySpec, prefix: string) => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-examples-'));
    const app = new StreamsApplication(spec, { app: { id: uniqueName(prefix), version: 1 }, kafka, stateDir, commitIntervalMs: 200 });
    defer(() => fs.rmSync(stateDir, { recursive: true, force: true }));
    defer(() => app.close());
    await app.start();
    await waitFor(() => app.state === 'RUNNING', { timeoutMs: 30_000 });
    return app;
  };
  const reader = async (topic: string) => {
    const r = await TopicReader.start(kafka, topic);
    defer(() => r.stop());
    return r;
  };
  const json = <T>(value: Buffer | null) => JSON.parse(String(value)) as T;

  it('joins a re-keyed stream with a table through a repartition topic and finds every match', async () => {
    const users = uniqueName('users');
    const clicks = uniqueName('clicks');
    const enriched = uniqueName('enriched');
    await createTopic(admin, users, { partitions: 4, config: { 'cleanup.policy': 'compact' } });
    await createTopic(admin, clicks, { partitions: 3 });
    await createTopic(admin, enriched, { partitions: 4 });
    const str = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
    const b = new StreamsBuilder();
    const table = b.table(users, { ...str, name: 'users' });
    b.stream(clicks, str)
      .selectKey((_click, user) => user, { keySerde: Serdes.string() })
      .join(table, (user, name) => `${user}:${name}`, { name: 'enrich' })
      .to(enriched, str);
    const ids = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    await producer.send({ topic: users, messages: ids.map((id) => ({ key: id, value: id.toUpperCase() })) });
    const app = await startApp(b.build(), 'join');
    await waitFor(() => app.localStore('users').approximateNumEntries() === ids.length, { timeoutMs: 30_000 });
    await producer.send({ topic: clicks, messages: ids.map((id, i) => ({ key: `click-${i}`, value: id })) });
    const out = await reader(enriched);
    await waitFor(() => out.records.length >= ids.length, { timeoutMs: 30_000, description: 'every click enriched' });
    expect(out.records.map((r) => String(r.value)).sort()).toEqual(ids.map((id) => `${id}:${id.toUpperCase()}`).sort());
  });

  it('runs the presence pipeline: enriches walk-ins by device and counts them per business and contact', async () => {
    const topics = {
      walkIns: uniqueName('walk-ins'),
      deviceContacts: uniqueName('device-contacts'),
      enrichedWalkIns: uniqueName('enriched-walk-ins'),
      walkInCounts: uniqueName('walk-in-counts'),
    };
    await createTopic(admin, topics.walkIns, { partitions: 3 });
    await createTopic(admin, topics.deviceContacts, { partitions: 3, config: { 'cleanup.policy': 'compact' } });
    await createTopic(admin, topics.enrichedWalkIns, { partitions: 3 });
    await createTopic(admin, topics.walkInCounts, { partitions: 3 });
    const devices = Array.from({ length: 6 }, (_, i) => `device-${i}`);
    await producer.send({
      topic: topics.deviceContacts,
      messages: devices.map((d, i) => ({ key: d, value: presenceSerdes.deviceContact.serialize('', { contactId: `contact-${i}` }) })),
    });
    const app = await startApp(presenceTopology(topics), 'presence');
    await waitFor(() => app.localStore('device-contacts').approximateNumEntries() === devices.length, { timeoutMs: 30_000 });
    const walkIns = devices.flatMap((deviceId, i) => [
      { deviceId, businessId: 'cafe', at: 1000 + i },
      { deviceId, businessId: 'cafe', at: 2000 + i },
      { deviceId, businessId: 'bakery', at: 3000 + i },
    ]);
    await producer.send({
      topic: topics.walkIns,
      messages: walkIns.map((w) => ({ key: w.businessId, value: presenceSerdes.walkIn.serialize('', w) })),
    });
    const enrichedOut = await reader(topics.enrichedWalkIns);
    const countsOut = await reader(topics.walkInCounts);
    await waitFor(() => enrichedOut.records.length >= walkIns.length, { timeoutMs: 30_000 });
    const enriched = enrichedOut.records.map((r) => json<EnrichedWalkIn>(r.value));
    expect(enriched.every((e) => e.contactId === `contact-${e.deviceId.split('-')[1]}`)).toBe(true);
    const latest = () => {
      const m = new Map<string, number>();
      for (const r of countsOut.records) m.set(String(r.key), Number(r.value?.readBigInt64BE()));
      return m;
    };
    await waitFor(() => latest().get('cafe|contact-0') === 2 && latest().size === 12, { timeoutMs: 30_000 });
    expect(latest().get('bakery|contact-5')).toBe(1);
  });

  it('runs the walkthrough generator with wall-clock punctuation', async () => {
    const topics = { messages: uniqueName('zr-messages'), walkIns: uniqueName('zr-walk-ins'), walkthroughs: uniqueName('walkthroughs') };
    for (const t of Object.values(topics)) await createTopic(admin, t, { partitions: 2 });
    const spec = walkthroughTopology({
      topics,
      attributionWindowMs: 60 * 60_000,
      settleMs: 500,
      retentionMs: 60 * 60_000,
      punctuateEveryMs: 100,
    });
    await startApp(spec, 'walkthroughs');
    const now = Date.now();
    await producer.send({
      topic: topics.messages,
      messages: ['ann', 'bob'].map((c, i) => ({
        key: `m${i}`,
        value: walkthroughSerdes.message.serialize('', { messageId: `m-${c}`, businessId: 'cafe', customerId: c, sentAt: now - 60_000 }),
      })),
    });
    await producer.send({
      topic: topics.walkIns,
      messages: ['ann', 'bob', 'cid'].map((c, i) => ({
        key: `w${i}`,
        value: walkthroughSerdes.walkIn.serialize('', { walkInId: `w-${c}`, businessId: 'cafe', customerId: c, at: now }),
      })),
    });
    const out = await reader(topics.walkthroughs);
    await waitFor(() => out.records.length >= 2, { timeoutMs: 30_000, description: 'two walkthroughs' });
    const walkthroughs = out.records.map((r) => json<Walkthrough>(r.value));
    expect(walkthroughs.map((w) => `${w.customerId}:${w.messageId}`).sort()).toEqual(['ann:m-ann', 'bob:m-bob']);
  });
});
