import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { conversationId } from '@platform/chat-domain';
import { silentLogger } from '@platform/common';
import { cacheDirFromEnv, startLocalStack, type LocalStack } from '@platform/infra-kafka';
import { createSchemaRegistry, type Channel } from '@platform/schemas';
import { registryUrl, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { jwtSecret, systemToken } from './__fixtures__/two-replicas';
import { parseCommunicationConfig } from './config';
import { startCommunication, type StartedCommunication } from './start';

// A custom Sources API channel: its conversations can be started with channel_id + source_recipient_id (a chat plugin's cannot).
const channel: Channel = { id: 'web', source: 'acme', sourceChannelId: 'acme-web', connectionState: 'CONNECTED', token: null, createdAt: 1 };
const writeTimeoutMs = 3000;
/** The outage lasts at least this long: the stack's supervisor restarts the killed broker after it. */
const restartDelayMs = 12_000;

// Item 8 of issue #9: a broker killed (kill -9) under a running app. This spec runs its own broker (the
// shared one must never go down), on free ports in a temp dir, supervised like `npm start` does. Under
// both fetch paths: the lean one reads the input on its own connections while kafkajs' consumer, crashed
// by the outage, restarts and joins the group again.
describe.each(['kafkajs', 'lean'])('communication during a broker outage (STREAMS_FETCH_PATH=%s)', (fetchPath) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-outage-'));
  let stack: LocalStack;
  let admin: Admin;
  let producer: Producer;
  let app: StartedCommunication;
  const restarts: string[] = [];

  beforeAll(async () => {
    const logger = { ...silentLogger, warn: (message: string) => restarts.push(message), child: () => logger };
    stack = await startLocalStack({ cacheDir: cacheDirFromEnv(process.env), dir, temporary: true, registry: false, kafkaHeapMb: 384, restart: { initialDelayMs: restartDelayMs, maxRapidFailures: 2 }, logger });
    const kafka = new Kafka({ clientId: 'broker-outage-spec', brokers: stack.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    const namespace = uniqueName('outage');
    await applyTopics(admin, allTopics, { namespace });
    const topics = await withActualPartitions(chatTopics(namespace), admin);
    await new ChatWriter(producer, topics, chatSerdes(createSchemaRegistry({ url: registryUrl() }))).writeChannel(channel);
    await producer.disconnect();
    const config = parseCommunicationConfig({
      KAFKA_BROKERS: stack.brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      TOPICS_NAMESPACE: namespace,
      STATE_DIR: path.join(dir, 'state'),
      PORT: '0',
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: jwtSecret,
      KAFKA_WRITE_TIMEOUT_MS: String(writeTimeoutMs),
      KAFKA_WRITE_PROBE_INTERVAL_MS: '500',
      STREAMS_FETCH_PATH: fetchPath,
    });
    app = await startCommunication(config, silentLogger);
    await waitFor(async () => (await fetch(`${app.url}/health/writes`)).status === 200, { timeoutMs: 60_000, description: 'communication ready for writes' });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await admin?.disconnect();
    await stack?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${app.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${systemToken}` }, body: JSON.stringify(body) });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), json: (await response.json()) as { message?: string; id?: string; data?: { id: string }[] } };
  };
  const send = (visitor: string, text: string) => post('/messages.send', { channel_id: 'web', source_recipient_id: visitor, message: { text } });
  const health = async (route: string) => {
    const response = await fetch(`${app.url}${route}`);
    return { status: response.status, json: (await response.json()) as { status: string; reads: string; writes: { status: string; reason?: string } } };
  };

  it('answers writes 503 + Retry-After within the deadline, reports writes DOWN, and recovers without a restart once the broker is back', async () => {
    const visitors = ['v-1', 'v-2', 'v-3'];
    const before = new Map<string, string>();
    for (const visitor of visitors) {
      const sent = await send(visitor, `before ${visitor}`);
      expect(sent.status).toBe(202); // accepted: it starts the conversation
      before.set(conversationId('web', visitor), sent.json.id!);
    }
    expect(await health('/health/writes')).toMatchObject({ status: 200, json: { status: 'UP', reads: 'UP', writes: { status: 'UP' } } });

    const killed = stack.pids().kafka;
    process.kill(killed, 'SIGKILL');
    // Writes during the outage: 503 with Retry-After, never 500, each within the deadline (plus the request's own overhead).
    for (let i = 0; i < 3; i++) {
      const startedAt = Date.now();
      const during = await send(`during-${i}`, 'while the broker is down');
      expect({ status: during.status, retryAfter: during.retryAfter }).toEqual({ status: 503, retryAfter: '1' });
      expect(during.json.message).not.toMatch(/127\.0\.0\.1|localhost/);
      expect(Date.now() - startedAt).toBeLessThan(writeTimeoutMs + 2000);
    }
    // Health: reads still served from the local stores, writes DOWN; live stays UP (a restart would not help).
    await waitFor(async () => (await health('/health/writes')).status === 503, { timeoutMs: 10_000, description: '/health/writes 503' });
    expect(await health('/health/writes')).toMatchObject({ status: 503, json: { status: 'DOWN', writes: { status: 'DOWN', reason: expect.any(String) } } });
    expect((await health('/health/live')).status).toBe(200);
    const [someConversation, someMessage] = [...before.entries()][0]!;
    const read = await post('/messages.list', { conversation_id: someConversation });
    expect(read.status).toBe(200);
    expect(read.json.data?.map((m) => m.id)).toContain(someMessage);

    // The supervisor restarts the broker (same port, same data); the app recovers by itself.
    await waitFor(() => stack.pids().kafka !== killed, { timeoutMs: restartDelayMs + 60_000, description: 'the broker restarted' });
    expect(restarts[0]).toMatch(/^kafka exited with code 137 \(SIGKILL\), restarting in 12 s \(attempt 1\)$/);
    await waitFor(async () => (await health('/health/writes')).status === 200, { timeoutMs: 60_000, description: 'writes UP again' });
    // A write may land and still be answered 503 (its own store not caught up yet: the group rejoins
    // and tasks restore after the outage); the conversation then exists and the retry is answered 200.
    let after: Awaited<ReturnType<typeof send>> | undefined;
    const statuses: number[] = [];
    await waitFor(
      async () => {
        after = await send('v-after', 'after the outage');
        statuses.push(after.status);
        if (after.status !== 202 && after.status !== 200) throw new Error(`answered ${after.status}: ${after.json.message}`);
        return true;
      },
      { timeoutMs: 60_000, description: 'a write answered 202 (a new conversation) or 200 (started by an earlier attempt) after the outage' },
    );
    expect(statuses.slice(0, -1).filter((status) => status !== 503)).toEqual([]);
    if (after!.status === 200) expect(statuses).toContain(503);
    const listed = await post('/messages.list', { conversation_id: conversationId('web', 'v-after') });
    expect(listed.json.data?.map((m) => m.id)).toContain(after!.json.id);
    // What was written before the outage is intact.
    for (const [conversation, message] of before) {
      const messages = await post('/messages.list', { conversation_id: conversation });
      expect(messages.status).toBe(200);
      expect(messages.json.data?.map((m) => m.id)).toContain(message);
    }
    expect(app.app.state).toBe('RUNNING');
  }, 240_000);
});
