import { sendEpochGuard, sendEpochWriter, type SendEpochs, type SendGuard } from '@platform/common';
import { jsonSerde, type Channel, type Message, type Metadata, type Tag } from '@platform/schemas';
import { Serdes } from '@platform/streams';
import { TopologyTestDriver } from '@platform/streams/testing';
import type { LaneRun } from '../delivery/dispatcher';
import type { LaneJob, Outcome, DeadLetter } from '../delivery/lane';
import type { WebhookEvent } from '../events/webhook-event';
import type { Subscription, SubscriptionDirectory } from '../subscriptions/subscription';
import { webhooksTopology, type WebhooksTopics } from './webhooks-topology';

const topics: WebhooksTopics = {
  messages: 'messages',
  metadata: 'metadata',
  channels: 'channels',
  tags: 'tags',
  subscriptions: 'subscriptions',
  events: 'events',
  outcomes: 'outcomes',
  status: 'status',
  deadLetters: 'dead-letters',
};
const policy = { maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 1000, connectTimeoutMs: 100, requestTimeoutMs: 100, concurrencyPerSubscription: 4, dispatchIntervalMs: 10, laneRunLength: 1 };

function directoryOf(subscriptions: Subscription[]): SubscriptionDirectory {
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  return { get: (id) => byId.get(id), all: () => byId.values(), signatureKey: () => undefined, onChange: () => () => undefined };
}

function message(id: string, conversationId: string, sentAt: number, updatedAt: number | null = null, deliveryState: Message['deliveryState'] = 'PENDING'): Message {
  return { id, conversationId, channelId: 'ch-1', source: 'chatplugin', senderId: 'u1', isFromContact: false, deliveryState, content: '{"text":"hi"}', sentAt, updatedAt, headers: {} };
}

/** With `laneRunLength` 1 (the default here) every run is one job: `dispatched` lists them, and a job's `onRecorded` also ends its run. */
function setup(subscriptions: Subscription[] = [], guard?: SendGuard, eventWrites?: SendGuard, laneRunLength = 1) {
  const dispatched: { lane: string; seq: number; attempt: number; job: LaneJob; onRecorded: (outcome: Outcome) => void }[] = [];
  const runs: LaneRun[] = [];
  const markers: string[] = [];
  const dispatcher = {
    canDispatch: () => true,
    dispatch: (run: LaneRun) => {
      runs.push(run);
      const onRecorded = (outcome: Outcome) => {
        run.onRecorded(outcome);
        run.onEnd();
      };
      dispatched.push({ lane: run.lane, seq: run.seq, attempt: run.attempt, job: run.jobs[0]!, onRecorded });
    },
    marker: (_p: number, token: string) => void markers.push(token),
  };
  const serdes = { message: jsonSerde<Message>(), metadata: jsonSerde<Metadata>(), channel: jsonSerde<Channel>(), tag: jsonSerde<Tag>() };
  const topology = webhooksTopology(topics, serdes, { policy: { ...policy, laneRunLength }, directory: directoryOf(subscriptions), dispatcher, random: () => 0.5, ...(guard ? { guard } : {}) }, eventWrites);
  const driver = new TopologyTestDriver(topology, { defaultPartitions: 1, wallClockStartMs: 1_000_000 });
  return {
    driver,
    dispatched,
    runs,
    markers,
    messages: driver.createInputTopic(topics.messages, Serdes.string(), serdes.message),
    metadata: driver.createInputTopic(topics.metadata, Serdes.string(), serdes.metadata),
    tags: driver.createInputTopic(topics.tags, Serdes.string(), serdes.tag),
    outcomes: driver.createInputTopic(topics.outcomes, Serdes.string(), Serdes.json<Outcome>()),
    events: driver.createOutputTopic(topics.events, Serdes.string(), Serdes.json<WebhookEvent>()),
    deadLetters: driver.createOutputTopic(topics.deadLetters, Serdes.string(), Serdes.json<DeadLetter>()),
  };
}

const subscription = (id: string, events: string[] = []): Subscription => ({ id, name: null, endpoint: 'http://example.com/', events, headers: {}, signatureKey: null, status: 'SUBSCRIBED', subscribedAt: 0 });

describe('webhooks topology', () => {
  it('derives message.created only for new messages, message.updated for later versions, conversation.updated, with ids stable across runs', async () => {
    const run = async () => {
      const t = setup();
      await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000);
      await t.messages.pipeInput('m1', message('m1', 'c1', 1000, 2000, 'DELIVERED'), 2000);
      await t.tags.pipeInput('t1', { id: 't1', name: 'vip', color: 'RED' }, 3000);
      const events = (await t.events.readValuesToList()) as WebhookEvent[];
      await t.driver.close();
      return events;
    };
    const first = await run();
    expect(first.map((e) => [e.type, e.orderingKey, e.timestamp])).toEqual([
      ['message.created', 'c1', 1000],
      ['conversation.updated', 'c1', 1000],
      ['message.updated', 'c1', 2000],
      ['conversation.updated', 'c1', 2000],
      ['tag.updated', 't1', 3000],
    ]);
    const created = JSON.parse(first[0]!.body) as { id: string; type: string; payload: { message: { delivery_state: string } }; timestamp: number };
    expect(created).toMatchObject({ id: first[0]!.id, type: 'message.created', timestamp: 1000, payload: { conversation_id: 'c1', channel_id: 'ch-1', message: { id: 'm1', delivery_state: 'pending' } } });
    expect(JSON.parse(first[4]!.body).payload).toEqual({ id: 't1', name: 'vip', color: 'tag-red' });
    expect(new Set(first.map((e) => e.id)).size).toBe(5);
    expect((await run()).map((e) => e.id)).toEqual(first.map((e) => e.id));
  });

  it('emits metadata.updated with the full document for conversation facts', async () => {
    const t = setup();
    await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000);
    const fact: Metadata = { subject: 'conversation', identifier: 'c1', key: 'contact.display_name', value: 'Ann', valueType: 'TEXT', timestamp: 5000 } as Metadata;
    await t.metadata.pipeInput('fact-1', fact, 5000);
    const events = (await t.events.readValuesToList()) as WebhookEvent[];
    const updated = events.find((e) => e.type === 'metadata.updated')!;
    expect(JSON.parse(updated.body).payload).toEqual({ subject: 'conversation', identifier: 'c1', metadata: { contact: { display_name: 'Ann' } } });
    expect(events.filter((e) => e.type === 'conversation.updated')).toHaveLength(2);
    await t.driver.close();
  });

  it('delivers a lane in order, one at a time, only after its start marker, retries with backoff, then dead-letters', async () => {
    const t = setup([subscription('s1', ['message.created']), subscription('s2', ['tag.updated'])]);
    await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000);
    await t.messages.pipeInput('m2', message('m2', 'c1', 1001), 1001);
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched).toHaveLength(0); // marker not read back yet
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    await t.driver.advanceWallClockTime(20);
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => [d.lane, d.seq, JSON.parse(d.job.body).payload.message.id])).toEqual([['s1|c1', 0, 'm1']]);
    const first = t.dispatched[0]!;
    // The outcomes come back through the topic only here; the Dispatcher ended each one-job run once it recorded it.
    const readBack = async (outcome: Outcome) => {
      await t.outcomes.pipeInput(first.lane, outcome);
      t.runs.at(-1)!.onEnd();
    };
    const fail = (at: number, attempt: number): Outcome => ({ kind: 'attempt', lane: first.lane, seq: first.seq, attempt, eventId: first.job.eventId, ok: false, status: 500, reason: 'HTTP 500', at });
    await readBack(fail(1_000_040, 0));
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched).toHaveLength(1); // backoff: retry 1 waits 50..100 ms (random 0.5 → 75 ms)
    await t.driver.advanceWallClockTime(80);
    expect(t.dispatched.map((d) => d.seq)).toEqual([0, 0]);
    await readBack(fail(1_000_150, 1));
    await readBack(fail(1_000_150, 1)); // a second outcome of the same attempt changes nothing
    await t.driver.advanceWallClockTime(300);
    expect(t.dispatched.map((d) => d.seq)).toEqual([0, 0, 0]);
    await readBack(fail(1_000_500, 2));
    const deadLetters = (await t.deadLetters.readValuesToList()) as DeadLetter[];
    expect(deadLetters).toEqual([expect.objectContaining({ subscriptionId: 's1', eventId: first.job.eventId, attempts: 3, reason: 'HTTP 500' })]);
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => [d.seq, JSON.parse(d.job.body).payload.message.id])).toEqual([[0, 'm1'], [0, 'm1'], [0, 'm1'], [1, 'm2']]);
    await readBack({ kind: 'attempt', lane: first.lane, seq: 1, attempt: 0, eventId: t.dispatched[3]!.job.eventId, ok: true, status: 200, at: 1_000_600 });
    await t.driver.advanceWallClockTime(200);
    expect(t.dispatched).toHaveLength(4); // acknowledged: never again
    await t.driver.close();
  });

  it('moves on as soon as the dispatcher has recorded the outcome, and ignores the record when it is read back', async () => {
    const t = setup([subscription('s1', ['message.created'])]);
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000);
    await t.messages.pipeInput('m2', message('m2', 'c1', 1001), 1001);
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => d.seq)).toEqual([0]);
    const ack: Outcome = { kind: 'attempt', lane: 's1|c1', seq: 0, attempt: 0, eventId: t.dispatched[0]!.job.eventId, ok: true, status: 204, at: 1_000_020 };
    t.dispatched[0]!.onRecorded(ack);
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => d.seq)).toEqual([0, 1]);
    await t.outcomes.pipeInput('s1|c1', ack);
    await t.driver.advanceWallClockTime(100);
    expect(t.dispatched.map((d) => d.seq)).toEqual([0, 1]);
    // m2 acknowledged: the lane empties and is deleted; m3 starts it again at sequence 0
    t.dispatched[1]!.onRecorded({ ...ack, seq: 1, eventId: t.dispatched[1]!.job.eventId, at: 1_000_200 });
    await t.driver.advanceWallClockTime(20);
    await t.messages.pipeInput('m3', message('m3', 'c1', 1002), 1002);
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => [d.seq, JSON.parse(d.job.body).payload.message.id])).toEqual([[0, 'm1'], [1, 'm2'], [0, 'm3']]);
    // m1's outcome read back late (same lane, sequence 0, attempt 0) does not settle m3
    await t.outcomes.pipeInput('s1|c1', ack);
    await t.driver.advanceWallClockTime(20);
    const lane = t.driver.getKeyValueStore('delivery-lanes')?.get('s1|c1') as { head: number; next: number } | undefined;
    expect(lane).toMatchObject({ head: 0, next: 1 });
    await t.driver.close();
  });

  it('counts a failed attempt once when the dispatcher recorded it and the task also reads it back', async () => {
    const t = setup([subscription('s1', ['message.created'])]);
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000);
    await t.driver.advanceWallClockTime(20);
    const first = t.dispatched[0]!;
    const fail = (attempt: number): Outcome => ({ kind: 'attempt', lane: first.lane, seq: 0, attempt, eventId: first.job.eventId, ok: false, status: 500, reason: 'HTTP 500', at: 1_000_000 + attempt });
    for (const attempt of [0, 1]) {
      t.dispatched[attempt]!.onRecorded(fail(attempt));
      await t.driver.advanceWallClockTime(20);
      await t.outcomes.pipeInput(first.lane, fail(attempt));
      await t.driver.advanceWallClockTime(1000);
    }
    // two failures counted (maxAttempts 3): the third and last attempt is out, nothing dead-lettered yet
    expect(t.dispatched.map((d) => d.attempt)).toEqual([0, 1, 2]);
    expect(await t.deadLetters.readValuesToList()).toEqual([]);
    await t.driver.close();
  });

  it('hands a due lane its queued jobs as one run, and starts no other run of the lane until it ends, even once its outcomes are applied', async () => {
    const t = setup([subscription('s1', ['message.created'])], undefined, undefined, 3);
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    for (let i = 1; i <= 5; i++) await t.messages.pipeInput(`m${i}`, message(`m${i}`, 'c1', 1000 + i), 1000 + i);
    await t.driver.advanceWallClockTime(20);
    const ids = (run: LaneRun) => run.jobs.map((job) => JSON.parse(job.body).payload.message.id as string);
    expect(t.runs.map((run) => [run.lane, run.seq, run.attempt, ids(run)])).toEqual([['s1|c1', 0, 0, ['m1', 'm2', 'm3']]]);
    const first = t.runs[0]!;
    const ack = (seq: number, at: number): Outcome => ({ kind: 'attempt', lane: 's1|c1', seq, attempt: 0, eventId: first.jobs[seq]!.eventId, ok: true, status: 204, at });
    first.onRecorded(ack(0, 1_000_021));
    first.onRecorded(ack(1, 1_000_022));
    await t.driver.advanceWallClockTime(20);
    expect(t.driver.getKeyValueStore('delivery-lanes')?.get('s1|c1')).toMatchObject({ head: 2, next: 5 });
    expect(t.runs).toHaveLength(1); // m3 is still the run's: no second request for it
    first.onRecorded(ack(2, 1_000_043));
    first.onEnd();
    expect(first.proceed()).toBe(true);
    await t.driver.advanceWallClockTime(20);
    expect(t.runs.map((run) => [run.seq, ids(run)])).toEqual([[0, ['m1', 'm2', 'm3']], [3, ['m4', 'm5']]]);
    await t.driver.close();
    expect(t.runs[1]!.proceed()).toBe(false); // the task closed: the run stops before its next job
  });

  it('starts a run at a failed head with its attempts and moves on only by the outcomes recorded', async () => {
    const t = setup([subscription('s1', ['message.created'])], undefined, undefined, 3);
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    for (let i = 1; i <= 3; i++) await t.messages.pipeInput(`m${i}`, message(`m${i}`, 'c1', 1000 + i), 1000 + i);
    await t.driver.advanceWallClockTime(20);
    const first = t.runs[0]!;
    first.onRecorded({ kind: 'attempt', lane: 's1|c1', seq: 0, attempt: 0, eventId: first.jobs[0]!.eventId, ok: true, status: 200, at: 1_000_020 });
    first.onRecorded({ kind: 'attempt', lane: 's1|c1', seq: 1, attempt: 0, eventId: first.jobs[1]!.eventId, ok: false, status: 500, reason: 'HTTP 500', at: 1_000_021 });
    first.onEnd();
    await t.driver.advanceWallClockTime(20);
    expect(t.runs).toHaveLength(1); // backoff: the retry waits 50..100 ms
    await t.driver.advanceWallClockTime(100);
    expect(t.runs.map((run) => [run.seq, run.attempt, run.jobs.length])).toEqual([[0, 0, 3], [1, 1, 2]]);
    await t.driver.close();
  });

  it('while two versions run, each writes the events of its own epochs only, so the shared events topic holds each event once', async () => {
    const control: SendEpochs = { epochs: [{ version: 1, from: 0 }, { version: 2, from: 1500 }] };
    const derived = async (version: number) => {
      const t = setup([], undefined, sendEpochWriter(version, () => control));
      await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000); // before the hand-over: version 1's
      await t.messages.pipeInput('m2', message('m2', 'c1', 2000), 2000); // after it: version 2's
      await t.tags.pipeInput('t1', { id: 't1', name: 'vip', color: 'RED' }, 1200);
      await t.tags.pipeInput('t2', { id: 't2', name: 'new', color: 'BLUE' }, 1600);
      const events = ((await t.events.readValuesToList()) as WebhookEvent[]).map((e) => `${e.type}@${e.timestamp}`);
      await t.driver.close();
      return events;
    };
    expect(await derived(1)).toEqual(['message.created@1000', 'conversation.updated@1000', 'tag.updated@1200']);
    expect(await derived(2)).toEqual(['message.created@2000', 'conversation.updated@2000', 'tag.updated@1600']);
  });

  it('while two versions run, delivers only the events of its own epochs; another version\'s head waits for that version\'s outcome or a handover', async () => {
    let control: SendEpochs | undefined = { epochs: [{ version: 1, from: 0 }, { version: 2, from: 1500 }] };
    const t = setup([subscription('s1', ['message.created'])], sendEpochGuard(2, () => control));
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    await t.messages.pipeInput('m1', message('m1', 'c1', 1000), 1000); // before the handoff: version 1's
    await t.messages.pipeInput('m2', message('m2', 'c1', 2000), 2000); // after it: this version's (2)
    await t.messages.pipeInput('m3', message('m3', 'c2', 1200), 1200); // version 1's, another lane
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched).toHaveLength(0);
    // version 1 delivered m1 and recorded it: this version's lane moves on and delivers m2
    const m1 = ((await t.events.readValuesToList()) as WebhookEvent[]).find((e) => e.type === 'message.created' && e.orderingKey === 'c1')!;
    await t.outcomes.pipeInput('s1|c1', { kind: 'attempt', lane: 's1|c1', seq: 0, attempt: 0, eventId: m1.id, ok: true, status: 200, at: 1_000_030 });
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => [d.lane, d.seq, JSON.parse(d.job.body).payload.message.id])).toEqual([['s1|c1', 1, 'm2']]);
    // version 1 retired without delivering m3: the sole-sender record hands it to this version
    control = { epochs: [{ version: 2, from: 0 }] };
    await t.driver.advanceWallClockTime(20);
    expect(t.dispatched.map((d) => [d.lane, d.seq, JSON.parse(d.job.body).payload.message.id])).toEqual([['s1|c1', 1, 'm2'], ['s1|c2', 0, 'm3']]);
    await t.driver.close();
  });

  it('ends a run before the first event of another version\'s epochs', async () => {
    const control: SendEpochs = { epochs: [{ version: 1, from: 0 }, { version: 2, from: 1500 }] };
    const t = setup([subscription('s1', ['message.created'])], sendEpochGuard(2, () => control), undefined, 5);
    await t.outcomes.pipeInput('marker', { kind: 'marker', token: t.markers[0]! });
    await t.messages.pipeInput('m1', message('m1', 'c1', 2000), 2000);
    await t.messages.pipeInput('m2', message('m2', 'c1', 2001), 2001);
    await t.messages.pipeInput('m3', message('m3', 'c1', 1200), 1200); // version 1's, behind them in the lane
    await t.messages.pipeInput('m4', message('m4', 'c1', 2002), 2002);
    await t.driver.advanceWallClockTime(20);
    expect(t.runs.map((run) => run.jobs.map((job) => JSON.parse(job.body).payload.message.id))).toEqual([['m1', 'm2']]);
    await t.driver.close();
  });
});
