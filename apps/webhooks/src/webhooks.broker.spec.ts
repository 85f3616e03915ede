import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { createSchemaRegistry, type Message } from '@platform/schemas';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { parseWebhooksConfig } from './config';
import { airyContentSignature } from './delivery/signatures';
import { startWebhooks, type RunningWebhooks } from './start';
import { webhooksTopics } from './topics';

const systemToken = 'webhooks-spec-system-token-0123456789';
const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const maxAttempts = 4;

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };

/** Loopback subscribers speaking plain HTTP: each path behaves as its name says. */
function subscriberServer(received: Received[]) {
  const failuresByEvent = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const pathName = req.url ?? '/';
      received.push({ path: pathName, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const id = String(req.headers['webhook-id']);
      if (pathName === '/flaky') {
        const failures = failuresByEvent.get(id) ?? 0;
        failuresByEvent.set(id, failures + 1);
        res.writeHead(failures < 3 ? 503 : 200).end();
      } else if (pathName === '/dead' || pathName === '/stop') {
        res.writeHead(500).end('no');
      } else if (pathName === '/never') {
        hanging.add(res);
      } else if (pathName === '/huge') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(1024 * 1024, 120);
        let sent = 0;
        const pump = () => {
          while (sent < 10 && res.write(chunk)) sent++;
          if (sent >= 10) res.end();
          else res.once('drain', pump);
        };
        res.on('error', () => undefined);
        pump();
      } else {
        res.writeHead(200).end('ok');
      }
    });
  });
  return { server, close: () => new Promise<void>((resolve) => { for (const r of hanging) r.destroy(); server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe('webhooks delivery on a real broker with loopback subscribers', () => {
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let writer: ChatWriter;
  let running: RunningWebhooks;
  let subscribers: ReturnType<typeof subscriberServer>;
  let base: string;
  let namespace: string;
  const received: Received[] = [];
  const deadLetters: { subscriptionId: string; eventId: string; attempts: number; reason: string }[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhooks-spec-'));

  const call = async (endpoint: string, body: unknown) => {
    const res = await fetch(`${running.url}/${endpoint}`, { method: 'POST', headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const at = (p: string) => received.filter((r) => r.path === p);
  const message = (conversation: string, n: number): Message => ({
    id: `${conversation}-m${n}`,
    conversationId: conversation,
    channelId: 'channel-1',
    source: 'chatplugin',
    senderId: 'contact-1',
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content: JSON.stringify({ text: `hello ${n}` }),
    sentAt: Date.now(),
    updatedAt: null,
    headers: {},
  });

  beforeAll(async () => {
    const kafka = newKafka('webhooks-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    namespace = uniqueName('webhooks-spec');
    await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    const topics = await withActualPartitions(chatTopics(namespace), admin);
    writer = new ChatWriter(producer, topics, chatSerdes(createSchemaRegistry({ url: registryUrl() })));
    subscribers = subscriberServer(received);
    await new Promise<void>((resolve) => subscribers.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(subscribers.server.address() as AddressInfo).port}`;
    consumer = kafka.consumer({ groupId: uniqueName('webhooks-spec-dlq') });
    await consumer.connect();
    await consumer.subscribe({ topic: webhooksTopics(namespace).deadLetters, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message: m }) => void deadLetters.push(JSON.parse(m.value!.toString('utf8'))) });
    const config = parseWebhooksConfig({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: 'webhooks-spec-jwt-secret-0123456789abcdef',
      PORT: String(await freePort()),
      STATE_DIR: dir,
      TOPICS_NAMESPACE: namespace,
      WEBHOOKS_ENCRYPTION_KEY: 'webhooks-spec-encryption-secret',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOKS_MAX_ATTEMPTS: String(maxAttempts),
      WEBHOOKS_BACKOFF_BASE_MS: '40',
      WEBHOOKS_BACKOFF_MAX_MS: '200',
      WEBHOOKS_CONNECT_TIMEOUT_MS: '500',
      WEBHOOKS_REQUEST_TIMEOUT_MS: '500',
      WEBHOOKS_DISPATCH_INTERVAL_MS: '20',
      COMMIT_INTERVAL_MS: '50',
    });
    running = await startWebhooks(config, { logger: silentLogger });
    await waitFor(async () => running.app.state === 'RUNNING', { timeoutMs: 60_000, description: 'webhooks running' });
  });

  afterAll(async () => {
    await running?.close();
    await consumer?.disconnect();
    await subscribers?.close();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('validates subscriptions and never returns the signature key', async () => {
    expect(await call('webhooks.subscribe', { url: 'ftp://example.com/x' })).toEqual({ status: 400, body: { message: 'url must use http or https' } });
    expect((await call('webhooks.subscribe', { url: `${base}/good`, events: ['message.exploded'] })).status).toBe(400);
    expect((await call('webhooks.subscribe', { url: `${base}/good`, headers: { 'webhook-id': 'x' } })).body.message).toContain('cannot be overridden');
    expect((await call('webhooks.subscribe', { url: `${base}/good`, signature_key: 'whsec_AAAA' })).body.message).toContain('24 to 64 bytes');
    expect((await call('webhooks.info', { id: 'nope' })).status).toBe(404);
  });

  it('delivers signed events in order, retries with backoff, dead-letters after the maximum attempts, and no subscriber stalls another', async () => {
    const subscribe = async (id: string, p: string, extra: Record<string, unknown> = {}) => {
      const answer = await call('webhooks.subscribe', { id, url: `${base}${p}`, name: id, events: ['message.created'], ...extra });
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const good = await subscribe('good', '/good', { signature_key: whsec, headers: { 'X-Api-Key': 'k1' } });
    expect(good).toMatchObject({ id: 'good', url: `${base}/good`, status: 'Subscribed', events: ['message.created'], headers: { 'x-api-key': 'k1' }, signed: true });
    expect(JSON.stringify(good)).not.toContain('MfKQ9r8');
    await subscribe('flaky', '/flaky');
    await subscribe('dead', '/dead');
    await subscribe('never', '/never');
    await subscribe('huge', '/huge');
    await subscribe('unreachable', '/', { url: 'http://127.0.0.1:1/' });
    const listed = await call('webhooks.list', {});
    expect(listed.body.data.map((w: { id: string }) => w.id).sort()).toEqual(['dead', 'flaky', 'good', 'huge', 'never', 'unreachable']);
    expect(JSON.stringify(listed.body)).not.toContain('MfKQ9r8');

    for (let n = 1; n <= 3; n++) await writer.writeMessage(message('conv-a', n));

    // The healthy subscriber has everything, in order, while the others are still failing.
    await waitFor(async () => at('/good').length >= 3, { timeoutMs: 20_000, description: 'three deliveries to /good' });
    const goodEvents = at('/good').map((r) => {
      const verified = new Webhook(whsec).verify(r.body, r.headers as Record<string, string>) as { id: string; type: string; payload: { message: { id: string } } };
      expect(r.headers['x-airy-content-signature']).toBe(airyContentSignature(whsec, r.body));
      expect(r.headers['x-api-key']).toBe('k1');
      expect(r.headers['content-type']).toBe('application/json');
      expect(verified.id).toBe(r.headers['webhook-id']);
      return verified;
    });
    expect(goodEvents.map((e) => [e.type, e.payload.message.id])).toEqual([1, 2, 3].map((n) => ['message.created', `conv-a-m${n}`]));
    expect(at('/dead').length).toBeLessThan(3 * maxAttempts);

    // fails 3 times then succeeds: exactly 4 attempts per event, same webhook-id, in order
    await waitFor(async () => at('/flaky').length >= 12, { timeoutMs: 20_000, description: 'flaky deliveries' });
    const flakyIds = at('/flaky').map((r) => String(r.headers['webhook-id']));
    expect(flakyIds).toEqual(goodEvents.flatMap((e) => [e.id, e.id, e.id, e.id]));

    // always failing, never answering, 10 MB answer, unreachable: dead-lettered after the maximum attempts each
    await waitFor(async () => deadLetters.length >= 12, { timeoutMs: 30_000, description: 'dead letters' });
    for (const id of ['dead', 'never', 'huge', 'unreachable']) {
      const mine = deadLetters.filter((d) => d.subscriptionId === id);
      expect(mine.map((d) => d.eventId)).toEqual(goodEvents.map((e) => e.id));
      expect(mine.every((d) => d.attempts === maxAttempts)).toBe(true);
    }
    expect(deadLetters.find((d) => d.subscriptionId === 'dead')?.reason).toBe('HTTP 500');
    expect(deadLetters.find((d) => d.subscriptionId === 'huge')?.reason).toBe('HTTP 500');
    expect(deadLetters.find((d) => d.subscriptionId === 'never')?.reason).toMatch(/^timeout/);
    expect(deadLetters.find((d) => d.subscriptionId === 'unreachable')?.reason).toMatch(/^request failed/);
    expect(at('/dead')).toHaveLength(3 * maxAttempts);

    await waitFor(async () => (await call('webhooks.info', { id: 'dead' })).body.delivery?.dead_lettered === 3, { timeoutMs: 10_000, description: 'dead status' });
    const dead = (await call('webhooks.info', { id: 'dead' })).body;
    expect(dead.delivery).toMatchObject({ backlog: 0, delivered: 0, dead_lettered: 3, last_success_at: null });
    expect(dead.delivery.last_failure).toContain('HTTP 500');
    expect(typeof dead.delivery.failing_since).toBe('string');
    await waitFor(async () => (await call('webhooks.info', { id: 'flaky' })).body.delivery?.delivered === 3, { timeoutMs: 10_000, description: 'flaky status' });
    expect((await call('webhooks.info', { id: 'flaky' })).body.delivery).toMatchObject({ backlog: 0, delivered: 3, dead_lettered: 0, failing_since: null });

    // acknowledged events are never delivered again
    const counts = () => ['/good', '/flaky'].map((p) => at(p).length);
    const before = counts();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(counts()).toEqual(before);
  });

  it('stops delivering at once on unsubscribe, scheduled retries included', async () => {
    const answer = await call('webhooks.subscribe', { id: 'stopper', url: `${base}/stop`, events: ['message.created'] });
    expect(answer.status).toBe(200);
    await writer.writeMessage(message('conv-b', 1));
    await waitFor(async () => at('/stop').length >= 1, { timeoutMs: 20_000, description: 'first attempt to /stop' });
    const unsubscribed = await call('webhooks.unsubscribe', { id: 'stopper' });
    expect(unsubscribed.body.status).toBe('Unsubscribed');
    const atUnsubscribe = at('/stop').length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // one request may already have been on the wire when the unsubscribe was applied; nothing after it
    expect(at('/stop').length - atUnsubscribe).toBeLessThanOrEqual(1);
    expect(at('/stop').length).toBeLessThan(maxAttempts);
  });
});
