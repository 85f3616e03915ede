/**
 * Event delivery figures on this machine (`npm run bench`, or `BENCH_FILTER=webhooks npm run bench`): the apps
 * run as processes (their bundles) against the bench's broker, subscribers are HTTP servers in this process.
 * Prints
 * - delivery throughput of ONE webhooks replica (default settings) to one fast local subscriber: messages written
 *   straight to the messages topic in large batches, events/s from the first to the last acknowledged delivery;
 * - `messages.send` (communication app) → the subscriber's receipt, p50/p99, one send at a time;
 * - websocket fan-out: N stompjs clients on `/ws.communication` of one webhooks replica, subscribed to `/events`;
 *   the time from the `messages.send` request to each client's MESSAGE, p50/p99 over every (client, message), and
 *   the spread from the first to the last client of each message;
 * - the issue's kill -9 run (e2e/src/support/webhook-crash-run.ts, shared with the e2e spec): 10k events to three
 *   subscribers (fast, slow, flaky), one of two replicas killed with SIGKILL at 30 % and restarted; its counts.
 * Sizes: BENCH_WEBHOOK_EVENTS (20000), BENCH_LATENCY_SAMPLES (200), BENCH_WS_CLIENTS (100), BENCH_WS_MESSAGES (50),
 * BENCH_CRASH_CONVERSATIONS × BENCH_CRASH_PER_CONVERSATION (100 × 100), BENCH_WEBHOOK_WARMUP (60000 events delivered, in
 * other conversations, before the throughput run; its own speed is printed too). BENCH_WEBHOOK_PARTS (e.g. "throughput,crash")
 * runs some of them only. BENCH_WEBHOOK_REPLICAS (1) webhooks replicas share the throughput run.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from '@stomp/stompjs';
import type { Admin } from 'kafkajs';
import { WebSocket } from 'ws';
import { chatTopics, withActualPartitions } from '@platform/chat-streams';
import { newKafka, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { ApiClient } from '../src/support/api';
import { startApp, tempDir, type AppProcess } from '../src/support/processes';
import { startChatStack } from '../src/support/stack';
import { runWebhookCrash } from '../src/support/webhook-crash-run';
import { fastSubscriber, produceMessages, subscriber } from '../src/support/webhook-subscribers';
import { appEnv } from '../src/support/app-env';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
/**
 * Events delivered before the throughput is measured (0: a cold run). The bench's broker is a fresh JVM: over the
 * first 10,000 events its C2 compiler threads took 32–48 % of a core (per-thread CPU from /proc), a share a
 * long-running broker does not pay, on a machine whose two cores the broker, the app and the subscriber share;
 * after 60,000 they were down to 7–17 %.
 */
const WARMUP = Number(process.env.BENCH_WEBHOOK_WARMUP ?? 60_000);
/** Webhooks replicas of the throughput run (each with its own state directory). */
const REPLICAS = Math.max(1, Number(process.env.BENCH_WEBHOOK_REPLICAS ?? 1));
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const WS_CLIENTS = Number(process.env.BENCH_WS_CLIENTS ?? 100);
const WS_MESSAGES = Number(process.env.BENCH_WS_MESSAGES ?? 50);
const CRASH_CONVERSATIONS = Number(process.env.BENCH_CRASH_CONVERSATIONS ?? 100);
const CRASH_PER_CONVERSATION = Number(process.env.BENCH_CRASH_PER_CONVERSATION ?? 100);
const PARTS = new Set((process.env.BENCH_WEBHOOK_PARTS ?? 'throughput,latency,crash').split(','));

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms (${sorted.length} samples)`;
};

/** Delivery settings of the throughput and latency runs: the app's defaults unless set for the bench (to measure their effect). */
const tuned = Object.fromEntries(['WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION', 'WEBHOOKS_DISPATCH_INTERVAL_MS', 'WEBHOOKS_LANE_RUN_LENGTH', 'COMMIT_INTERVAL_MS', 'STREAMS_FETCH_PATH'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
const settings = () => `${tuned.WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION ?? '64 (default)'} requests per subscription, dispatch every ${tuned.WEBHOOKS_DISPATCH_INTERVAL_MS ?? '10 (default)'} ms, runs of ${tuned.WEBHOOKS_LANE_RUN_LENGTH ?? '32 (default)'} jobs, commit every ${tuned.COMMIT_INTERVAL_MS ?? '100 (default)'} ms, fetch path ${tuned.STREAMS_FETCH_PATH ?? 'lean (default)'}`;

function webhooksEnv(): Record<string, string> {
  return { WEBHOOKS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true', ...tuned };
}

async function throughput(admin: Admin): Promise<void> {
  const namespace = uniqueName('webhooks-bench');
  await applyTopics(admin, allTopics, { namespace });
  const topics = await withActualPartitions(chatTopics(namespace), admin);
  const producer = newKafka('webhooks-bench').producer({ idempotent: true });
  await producer.connect();
  const fast = fastSubscriber();
  await fast.listen();
  const env = appEnv(namespace, { ...webhooksEnv() });
  const systemToken = env.AUTH_SYSTEM_TOKEN!;
  const dirs = Array.from({ length: REPLICAS }, () => tempDir('webhooks-bench-'));
  const apps: AppProcess[] = [];
  try {
    for (const dir of dirs) apps.push(await startApp('webhooks', { ...env, STATE_DIR: dir }));
    // Each replica that joins rebalances the group: give the last one time to settle before the run.
    if (REPLICAS > 1) await new Promise((resolve) => setTimeout(resolve, 5000));
    const api = new ApiClient(apps[0]!.url, systemToken);
    await api.ok('webhooks.subscribe', { id: 'fast', url: fast.url(), events: ['message.created'] });
    await waitFor(async () => (await api.ok<{ data: unknown[] }>('webhooks.list')).data.length === 1, { timeoutMs: 10_000, description: 'the subscription' });
    const conversations = 200;
    // Warm-up: the same shape of load in conversations of their own, delivered before the measured run starts.
    let warmup = '';
    if (WARMUP > 0) {
      const perWarmup = Math.ceil(WARMUP / conversations);
      const started = performance.now();
      await produceMessages(producer, topics, { conversations, perConversation: perWarmup, sentAt: Date.now(), roundsPerBatch: 10, firstConversation: 1_000_000 });
      await waitFor(async () => fast.acks.length >= conversations * perWarmup, { timeoutMs: 900_000, intervalMs: 100, description: 'the warm-up deliveries' });
      const warmAcks = fast.acks.splice(0);
      warmup = `, after a warm-up of ${warmAcks.length} events (written and delivered in ${((performance.now() - started) / 1000).toFixed(1)} s, ${(warmAcks.length / ((warmAcks[warmAcks.length - 1]!.at - warmAcks[0]!.at) / 1000)).toFixed(0)} events/s first → last ack)`;
    }
    const perConversation = Math.ceil(EVENTS / conversations);
    const total = conversations * perConversation;
    const eventsTopic = `${namespace}.application.webhooks.events`;
    const eventsBefore = (await admin.fetchTopicOffsets(eventsTopic)).reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
    const written = performance.now();
    await produceMessages(producer, topics, { conversations, perConversation, sentAt: Date.now(), roundsPerBatch: 10 });
    const writeMs = performance.now() - written;
    // When the events topic holds every derived event: separates deriving events from delivering them.
    let derivedAt = 0;
    await waitFor(
      async () => {
        if (derivedAt === 0) {
          const offsets = await admin.fetchTopicOffsets(eventsTopic);
          if (offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0) - eventsBefore >= total) derivedAt = performance.now();
        }
        return fast.acks.length >= total;
      },
      { timeoutMs: 900_000, intervalMs: 100, description: `${total} deliveries` },
    );
    const first = fast.acks[0]!.at;
    const last = fast.acks[fast.acks.length - 1]!.at;
    const seconds = (last - first) / 1000;
    console.log(`\nWebhook delivery throughput: ${REPLICAS === 1 ? 'one webhooks replica' : `${REPLICAS} webhooks replicas`} (${settings()}), one fast subscriber on loopback${warmup}`);
    console.log('| events | conversations | written in s | all events derived at s | first → last ack s | events/s | last ack at s | duplicates |');
    console.log('|--------|---------------|--------------|-------------------------|--------------------|----------|---------------|------------|');
    console.log(
      `| ${String(total).padStart(6)} | ${String(conversations).padStart(13)} | ${(writeMs / 1000).toFixed(1).padStart(12)} | ${((derivedAt - written) / 1000).toFixed(1).padStart(23)} | ${seconds.toFixed(1).padStart(18)} | ${(total / seconds).toFixed(0).padStart(8)} | ${((last - written) / 1000).toFixed(1).padStart(13)} | ${String(fast.acks.length - new Set(fast.acks.map((a) => a.messageId)).size).padStart(10)} |`,
    );
    console.log('(seconds since the first message was written; "derived": the events topic holds every message.created)');
  } finally {
    for (const app of apps) await app.stop();
    await fast.close();
    await producer.disconnect();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A stompjs client on `ws`, subscribed to `/events`; `onEvent` gets each MESSAGE body's message id (message.created only). */
async function stompClient(url: string, token: string, onEvent: (messageId: string) => void): Promise<Client> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, ['v12.stomp']),
    connectHeaders: { Authorization: `Bearer ${token}` },
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => {
      client.subscribe('/events', (frame) => {
        const event = JSON.parse(frame.body) as { type: string; payload: { message?: { id: string } } };
        if (event.type === 'message.created' && event.payload.message) onEvent(event.payload.message.id);
      });
      resolve();
    };
    client.onStompError = (frame) => reject(new Error(frame.headers['message']));
    client.onWebSocketError = () => reject(new Error('websocket error'));
    client.activate();
  });
  return client;
}

async function latency(admin: Admin): Promise<void> {
  const stack = await startChatStack(admin, { VISITOR_RATE_LIMIT_PER_ADDRESS: '10000000', VISITOR_RATE_LIMIT_PER_CHANNEL: '10000000' });
  const dir = tempDir('webhooks-bench-latency-');
  const received = new Map<string, number>();
  const hook = subscriber('latency', (_id, respond) => respond(200));
  const clients: Client[] = [];
  let webhooks: AppProcess | undefined;
  try {
    await hook.listen();
    webhooks = await startApp('webhooks', { ...stack.env, STATE_DIR: dir, ...webhooksEnv() });
    const agent = new ApiClient(stack.apps.communication.url, stack.systemToken);
    const hooks = new ApiClient(webhooks.url, stack.systemToken);
    const chatplugin = new ApiClient(stack.apps.chatplugin.url);
    const channel = await new ApiClient(stack.gateway.url, stack.systemToken).ok<{ id: string }>('channels.chatplugin.connect', { name: 'Bench' });
    const conversations: string[] = [];
    for (let i = 0; i < 10; i++) {
      const auth = await chatplugin.ok<{ token: string; conversation_id: string }>('chatplugin.authenticate', { channel_id: channel.id });
      await chatplugin.withToken(auth.token).ok('chatplugin.send', { message: { text: `visitor ${i}` } });
      conversations.push(auth.conversation_id);
    }
    await waitFor(async () => (await agent.post('conversations.info', { conversation_id: conversations[conversations.length - 1] })).status === 200, { timeoutMs: 30_000, description: 'conversations' });
    await hooks.ok('webhooks.subscribe', { id: 'latency', url: hook.url(), events: ['message.created'] });
    await waitFor(async () => (await hooks.ok<{ data: unknown[] }>('webhooks.list')).data.length === 1, { timeoutMs: 10_000, description: 'the subscription' });
    // The subscriber acknowledges through `acks`; a map from message id to receipt time is what latency needs.
    const arrival = async (id: string) => {
      await waitFor(async () => hook.acks.some((a) => a.messageId === id), { timeoutMs: 30_000, intervalMs: 1, description: `delivery of ${id}` });
      return hook.acks.find((a) => a.messageId === id)!.at;
    };
    const send = async (i: number) => {
      const started = performance.now();
      const sent = await agent.ok<{ id: string }>('messages.send', { conversation_id: conversations[i % conversations.length], message: { text: `probe ${i}` } });
      return { id: sent.id, started, answered: performance.now() };
    };
    await arrival((await send(-1 + conversations.length)).id); // warm-up: subscription read, connections open
    const fromStart: number[] = [];
    const fromAnswer: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const s = await send(i);
      const at = await arrival(s.id);
      fromStart.push(at - s.started);
      fromAnswer.push(at - s.answered);
    }
    console.log(`\nmessages.send (communication app, one at a time) → webhook subscriber's receipt (one webhooks replica, ${settings()}; subscriber on loopback):`);
    console.log(`from the request:  ${summary(fromStart)}`);
    console.log(`from the answer:   ${summary(fromAnswer)}`);

    const wsUrl = `${webhooks.url.replace('http', 'ws')}/ws.communication`;
    const connectStart = performance.now();
    for (let c = 0; c < WS_CLIENTS; c++) {
      const index = c;
      clients.push(await stompClient(wsUrl, stack.systemToken, (id) => received.set(`${index}|${id}`, performance.now())));
    }
    const connectMs = performance.now() - connectStart;
    const everyone = async (id: string) => {
      await waitFor(async () => clients.every((_c, index) => received.has(`${index}|${id}`)), { timeoutMs: 30_000, intervalMs: 1, description: `fan-out of ${id}` });
    };
    await everyone((await send(0)).id); // warm-up: every SUBSCRIBE is in effect
    // Timed from the request: a MESSAGE frame often arrives before the send's answer (which waits for the write's
    // acknowledgement), so times from the answer can be negative. The spread is the fan-out itself: first → last client.
    const fanOut: number[] = [];
    const lastClient: number[] = [];
    const spread: number[] = [];
    for (let i = 0; i < WS_MESSAGES; i++) {
      const s = await send(i);
      await everyone(s.id);
      const times = clients.map((_c, index) => received.get(`${index}|${s.id}`)! - s.started);
      fanOut.push(...times);
      lastClient.push(Math.max(...times));
      spread.push(Math.max(...times) - Math.min(...times));
    }
    console.log(`\nWebsocket fan-out: ${WS_CLIENTS} stompjs clients on /ws.communication of one webhooks replica (connected in ${(connectMs / 1000).toFixed(1)} s), ${WS_MESSAGES} messages.send one at a time; time from the send request to the MESSAGE frame:`);
    console.log(`every (client, message):       ${summary(fanOut)}`);
    console.log(`last client of each message:   ${summary(lastClient)}`);
    console.log(`first → last client:           ${summary(spread)}`);
  } finally {
    for (const client of clients) await client.deactivate();
    await webhooks?.stop();
    await hook.close();
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function crash(): Promise<void> {
  const options = { conversations: CRASH_CONVERSATIONS, perConversation: CRASH_PER_CONVERSATION, concurrency: 8, slowMs: 15, killAt: 0.3, deliveryTimeoutMs: 900_000 };
  const report = await runWebhookCrash(options);
  console.log(
    `\nkill -9 run: ${report.events} events (${options.conversations} conversations × ${options.perConversation}) to 3 subscribers (fast; slow ${options.slowMs} ms; flaky: first attempt of 1 event in 4 fails), two replicas, one SIGKILLed at ${options.killAt * 100} % of the fast subscriber's events and restarted (concurrency ${options.concurrency} per subscription)`,
  );
  console.log('| subscriber | events acknowledged | acknowledgements | duplicates | order violations | webhook-id changes |');
  console.log('|------------|---------------------|------------------|------------|------------------|--------------------|');
  for (const s of report.subscribers) {
    console.log(`| ${s.name.padEnd(10)} | ${`${s.acknowledged} / ${report.events}`.padStart(19)} | ${String(s.acknowledgements).padStart(16)} | ${String(s.duplicates).padStart(10)} | ${String(s.orderViolations).padStart(16)} | ${String(s.idChanges).padStart(18)} |`);
  }
  console.log(`phases (ms since start): ${JSON.stringify(report.phases)}`);
  if (report.failure !== undefined) throw new Error(`not every event was acknowledged: ${report.failure}`);
}

async function main(): Promise<void> {
  const admin = newKafka('webhooks-bench-admin').admin();
  await admin.connect();
  try {
    if (PARTS.has('throughput')) await throughput(admin);
    if (PARTS.has('latency')) await latency(admin);
    if (PARTS.has('crash')) await crash();
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
