import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { chatTopics, withActualPartitions } from '@platform/chat-streams';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { ApiClient } from './api';
import { startApp, tempDir, type AppProcess } from './processes';
import { loadResponseCheck } from './response-check';
import { fastSubscriber, flakySubscriber, messageId, produceMessages, slowSubscriber, type Ack, type Subscriber } from './webhook-subscribers';

export interface CrashRunOptions {
  readonly conversations: number;
  readonly perConversation: number;
  /** WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION of both replicas. */
  readonly concurrency: number;
  /** The slow subscriber's answer delay. */
  readonly slowMs: number;
  /** Replica A is killed (SIGKILL) once this fraction of the events reached the fast subscriber. */
  readonly killAt: number;
  /** Longest wait for the kill point, and for every subscriber to acknowledge every event after the restart. */
  readonly deliveryTimeoutMs: number;
}

/** What one subscriber saw. */
export interface SubscriberTally {
  readonly name: string;
  /** Distinct events acknowledged (2xx). */
  readonly acknowledged: number;
  /** Every 2xx answered, repeats included. */
  readonly acknowledgements: number;
  /** Acknowledgements of an event already acknowledged. */
  readonly duplicates: number;
  /** First acknowledgements of a conversation's message before an earlier message of that conversation. */
  readonly orderViolations: number;
  /** Deliveries of an event under another `webhook-id` than its first one. */
  readonly idChanges: number;
  /** The first few events never acknowledged (empty when all were). */
  readonly missing: readonly string[];
}

export interface CrashRunReport {
  readonly events: number;
  readonly subscribers: readonly SubscriberTally[];
  /** ms since the start of the run: replicas started, kill -9, restarted, every event acknowledged. */
  readonly phases: Readonly<Record<string, number>>;
  /** Set when not every event was acknowledged within the timeout: the status and the apps' last output. */
  readonly failure?: string;
}

function tally(name: string, acks: readonly Ack[], options: CrashRunOptions): SubscriberTally {
  const firsts = new Map<string, Ack>();
  let idChanges = 0;
  for (const ack of acks) {
    const first = firsts.get(ack.messageId);
    if (first === undefined) firsts.set(ack.messageId, ack);
    else if (first.eventId !== ack.eventId) idChanges++;
  }
  let orderViolations = 0;
  const lastOf = new Map<string, string>();
  for (const ack of firsts.values()) {
    const last = lastOf.get(ack.conversationId);
    if (last !== undefined && ack.messageId < last) orderViolations++;
    else lastOf.set(ack.conversationId, ack.messageId);
  }
  const missing: string[] = [];
  for (let c = 0; c < options.conversations && missing.length < 20; c++) {
    for (let n = 0; n < options.perConversation && missing.length < 20; n++) {
      const id = messageId(c, n, options.perConversation);
      if (!firsts.has(id)) missing.push(id);
    }
  }
  return { name, acknowledged: firsts.size, acknowledgements: acks.length, duplicates: acks.length - firsts.size, orderViolations, idChanges, missing };
}

/**
 * The issue's crash test, shared by the e2e spec (lean size) and the bench (10k events): two replicas of the
 * bundled webhooks app as processes in a fresh namespace, three subscribers (fast, slow, flaky: the first
 * attempt of one event in four fails), `conversations × perConversation` new messages written to the messages
 * topic; replica A is killed with SIGKILL once `killAt` of the events reached the fast subscriber and restarted
 * on its state directory and port. Resolves with what each subscriber saw once every one acknowledged every
 * event, or with `failure` set after `deliveryTimeoutMs`. Closes everything it opened.
 */
export async function runWebhookCrash(options: CrashRunOptions): Promise<CrashRunReport> {
  const total = options.conversations * options.perConversation;
  const t0 = Date.now();
  const phases: Record<string, number> = {};
  const kafka = newKafka('webhooks-crash-run');
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true });
  const subscribers: Subscriber[] = [fastSubscriber(), slowSubscriber(options.slowMs), flakySubscriber()];
  const apps: AppProcess[] = [];
  const dirs: string[] = [];
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    const namespace = uniqueName('webhooks-crash');
    await applyTopics(admin, allTopics, { namespace });
    const topics = await withActualPartitions(chatTopics(namespace), admin);
    for (const s of subscribers) await s.listen();
    const systemToken = randomBytes(24).toString('base64url');
    const env = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      TOPICS_NAMESPACE: namespace,
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
      WEBHOOKS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOKS_BACKOFF_BASE_MS: '50',
      WEBHOOKS_BACKOFF_MAX_MS: '500',
      WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION: String(options.concurrency),
      WEBHOOKS_DISPATCH_INTERVAL_MS: '10',
    };
    const start = async (dir: string, port?: number) => {
      const app = await startApp('webhooks', { ...env, STATE_DIR: dir }, port === undefined ? {} : { port });
      apps.push(app);
      return app;
    };
    const dirA = tempDir('webhooks-crash-a-');
    const dirB = tempDir('webhooks-crash-b-');
    dirs.push(dirA, dirB);
    const [a] = await Promise.all([start(dirA), start(dirB)]);
    phases.started = Date.now() - t0;
    // Every answer is checked against the app's served OpenAPI document (the one the gateway merges): drift fails the run.
    const check = await loadResponseCheck(a.url);
    const api = (app: AppProcess) => new ApiClient(app.url, systemToken, check);
    for (const s of subscribers) await api(a).ok('webhooks.subscribe', { id: s.name, url: s.url(), events: ['message.created'] });
    // Both replicas must see the subscriptions before events arrive (each one fans out its own partitions).
    await waitFor(async () => (await Promise.all(apps.map(async (app) => (await api(app).ok<{ data: unknown[] }>('webhooks.list')).data.length))).every((n) => n === 3), {
      timeoutMs: 10_000,
      description: 'subscriptions on both replicas',
    });

    const [fast] = subscribers;
    const writing = produceMessages(producer, topics, { conversations: options.conversations, perConversation: options.perConversation, sentAt: Date.now(), roundsPerBatch: 5 });
    writing.catch(() => undefined); // awaited below; a failure while waiting for the kill point must not be unhandled
    await waitFor(async () => fast!.acks.length >= total * options.killAt, { timeoutMs: options.deliveryTimeoutMs, intervalMs: 20, description: `${options.killAt * 100}% delivered to the fast subscriber` });
    phases.killed = Date.now() - t0;
    await a.kill9();
    await writing;
    phases.written = Date.now() - t0;
    await start(dirA, a.port);
    phases.restarted = Date.now() - t0;
    const unique = (acks: readonly Ack[]) => new Set(acks.map((x) => x.messageId)).size;
    let failure: string | undefined;
    try {
      await waitFor(async () => subscribers.every((s) => unique(s.acks) === total), { timeoutMs: options.deliveryTimeoutMs, intervalMs: 250, description: 'every event acknowledged by every subscriber' });
      phases.done = Date.now() - t0;
    } catch (error) {
      const status = await api(apps[apps.length - 1]!).post('webhooks.list').then((r) => JSON.stringify(r.body), (e: unknown) => String(e));
      failure = `${String(error)}; status ${status}\n${apps.map((x) => `${x.name}:${x.output().slice(-3000)}`).join('\n')}`;
    }
    return { events: total, subscribers: subscribers.map((s) => tally(s.name, s.acks, options)), phases, ...(failure === undefined ? {} : { failure }) };
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all(subscribers.map((s) => s.close()));
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
