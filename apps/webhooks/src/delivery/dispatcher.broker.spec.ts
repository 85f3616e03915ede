import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Admin, Producer } from 'kafkajs';
import { silentLogger } from '@platform/common';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import type { Subscription, SubscriptionDirectory } from '../subscriptions/subscription';
import { Dispatcher, type LaneRun } from './dispatcher';
import { HttpSender } from './http-sender';
import type { LaneJob, Outcome } from './lane';

/** A subscriber on loopback: logs each event id it receives and answers what `answer` says for it. */
async function subscriber(log: string[], answer: (eventId: string, res: http.ServerResponse) => void) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      const id = String(req.headers['webhook-id']);
      log.push(`received ${id}`);
      answer(id, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The subscriptions, changed by the test as the subscriptions topic would change them. */
class Directory implements SubscriptionDirectory {
  private readonly byId = new Map<string, Subscription>();
  private readonly listeners = new Set<(id: string, value: Subscription | null) => void>();
  get(id: string) {
    return this.byId.get(id);
  }
  all() {
    return this.byId.values();
  }
  signatureKey() {
    return undefined;
  }
  onChange(listener: (id: string, value: Subscription | null) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  set(subscription: Subscription) {
    this.byId.set(subscription.id, subscription);
    for (const listener of this.listeners) listener(subscription.id, subscription);
  }
}

const subscription = (id: string, endpoint: string): Subscription => ({ id, name: null, endpoint, events: [], headers: {}, signatureKey: null, status: 'SUBSCRIBED', subscribedAt: 0 });
const jobs = (...ids: string[]): LaneJob[] => ids.map((eventId) => ({ eventId, type: 'message.created', body: JSON.stringify({ id: eventId }) }));

describe('Dispatcher on a real broker with loopback subscribers', () => {
  let admin: Admin;
  let producer: Producer;
  let outcomesTopic: string;
  const closing: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const kafka = newKafka('dispatcher-spec');
    admin = kafka.admin();
    await admin.connect();
    outcomesTopic = uniqueName('outcomes');
    await createTopic(admin, outcomesTopic, { partitions: 2 });
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  const setup = () => {
    const directory = new Directory();
    const dispatcher = new Dispatcher({
      sender: new HttpSender({ connectTimeoutMs: 1000, requestTimeoutMs: 2000 }, true, { maxSocketsPerPool: 2 }),
      directory,
      producer,
      outcomesTopic,
      concurrencyPerSubscription: 2,
      logger: silentLogger,
    });
    closing.push(() => dispatcher.close());
    return { directory, dispatcher };
  };
  /** Starts a run and resolves with its recorded outcomes once it ended. */
  const runOf = (dispatcher: Dispatcher, log: string[], run: Pick<LaneRun, 'subscriptionId' | 'seq' | 'attempt' | 'jobs'> & { proceed?: () => boolean }) =>
    new Promise<Extract<Outcome, { kind: 'attempt' }>[]>((resolve) => {
      const recorded: Extract<Outcome, { kind: 'attempt' }>[] = [];
      dispatcher.dispatch({
        partition: 1,
        lane: `${run.subscriptionId}|c1`,
        proceed: () => true,
        ...run,
        onRecorded: (outcome) => {
          if (outcome.kind !== 'attempt') return;
          log.push(`recorded ${outcome.eventId}`);
          recorded.push(outcome);
        },
        onEnd: () => resolve(recorded),
      });
    });

  it('sends a run one job at a time, each after the previous outcome is in Kafka, and ends it at a failure', async () => {
    const log: string[] = [];
    const hook = await subscriber(log, (id, res) => res.writeHead(id === 'e3' ? 503 : 204).end());
    closing.push(hook.close);
    const { directory, dispatcher } = setup();
    directory.set(subscription('s1', hook.url));
    const before = await admin.fetchTopicOffsets(outcomesTopic);
    const outcomes = await runOf(dispatcher, log, { subscriptionId: 's1', seq: 7, attempt: 2, jobs: jobs('e1', 'e2', 'e3', 'e4') });
    expect(log).toEqual(['received e1', 'recorded e1', 'received e2', 'recorded e2', 'received e3', 'recorded e3']);
    expect(outcomes.map((o) => [o.seq, o.attempt, o.ok, o.status, o.reason])).toEqual([
      [7, 2, true, 204, undefined],
      [8, 0, true, 204, undefined],
      [9, 0, false, 503, 'HTTP 503'],
    ]);
    const after = await admin.fetchTopicOffsets(outcomesTopic);
    const added = (partition: number) => Number(after.find((p) => p.partition === partition)!.offset) - Number(before.find((p) => p.partition === partition)!.offset);
    expect([added(0), added(1)]).toEqual([0, 3]); // on the run's partition
    expect(dispatcher.canDispatch('s1')).toBe(true);
  });

  it('sends each job to the subscription as it is then, and ends the run when the task closed', async () => {
    const log: string[] = [];
    const moved: string[] = [];
    const { directory, dispatcher } = setup();
    const second = await subscriber(moved, (_id, res) => res.writeHead(200).end());
    closing.push(second.close);
    const first = await subscriber(log, (_id, res) => {
      directory.set(subscription('s1', second.url)); // the subscriber moved while e1 was on the wire
      res.writeHead(200).end();
    });
    closing.push(first.close);
    directory.set(subscription('s1', first.url));
    let open = true;
    const outcomes = await runOf(dispatcher, log, {
      subscriptionId: 's1',
      seq: 0,
      attempt: 0,
      jobs: jobs('e1', 'e2', 'e3'),
      proceed: () => {
        const now = open;
        open = false; // closed once e2 was handed over: e3 is never sent
        return now;
      },
    });
    expect(log).toEqual(['received e1', 'recorded e1', 'recorded e2']);
    expect(moved).toEqual(['received e2']);
    expect(outcomes.map((o) => o.eventId)).toEqual(['e1', 'e2']);
  });

  it('ends a run at unsubscribe: the request in flight is aborted and nothing after it is sent or recorded', async () => {
    const log: string[] = [];
    const { directory, dispatcher } = setup();
    const hook = await subscriber(log, (id, res) => {
      if (id === 'e1') res.writeHead(200).end();
      // e2 is never answered: the unsubscribe below aborts it
    });
    closing.push(hook.close);
    directory.set(subscription('s1', hook.url));
    const ended = runOf(dispatcher, log, { subscriptionId: 's1', seq: 0, attempt: 0, jobs: jobs('e1', 'e2', 'e3') });
    await waitFor(() => log.includes('received e2'), { timeoutMs: 10_000, description: 'e2 on the wire' });
    expect(dispatcher.canDispatch('s1')).toBe(true); // one run holds one of the two slots
    directory.set({ ...subscription('s1', hook.url), status: 'UNSUBSCRIBED' });
    const outcomes = await ended;
    expect(outcomes.map((o) => o.eventId)).toEqual(['e1']);
    expect(log).toEqual(['received e1', 'recorded e1', 'received e2']);
  });
});
