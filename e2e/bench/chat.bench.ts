/**
 * Chat API figures on this machine (`npm run bench`, or `BENCH_FILTER=chat npm run bench`): the apps
 * run as processes as in production, against the bench's broker. Prints, with autocannon (10
 * connections), `conversations.list` (page 20) requests/s and p50/p99 latency:
 * - against ONE communication instance directly, unfiltered and with an unread + display_name filter;
 * - through the gateway, as clients call it;
 * - through the gateway with a SECOND communication replica (the gateway's instance gathers the
 *   other replica's half of the conversations, and forwards keyed requests it does not own);
 * and the time from an agent's `messages.send` answer (through the gateway) until the message is the
 * newest in `messages.list` (p50/p99, polled every 2 ms), with one and with two replicas.
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { newKafka, waitFor } from '@platform/testing';
import { ApiClient } from '../src/support/api';
import { startChatStack } from '../src/support/stack';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, j) => task(start + j)))));
  }
  return results;
}

type Load = Awaited<ReturnType<typeof autocannon>>;

async function main(): Promise<void> {
  const admin = newKafka('chat-bench').admin();
  await admin.connect();
  // Every simulated visitor comes from this one address: the per-address and per-channel visitor limits would refuse them.
  const stack = await startChatStack(admin, { VISITOR_RATE_LIMIT_PER_ADDRESS: '10000000', VISITOR_RATE_LIMIT_PER_CHANNEL: '10000000' });
  try {
    const agent = new ApiClient(stack.gateway.url, stack.systemToken);
    const direct = new ApiClient(stack.apps.communication.url, stack.systemToken);
    const chatplugin = new ApiClient(stack.apps.chatplugin.url);
    const channel = await agent.ok<{ id: string }>('channels.chatplugin.connect', { name: 'Bench' });

    const seedStart = performance.now();
    const conversations = await inBatches(CONVERSATIONS, 20, async (i) => {
      const auth = await chatplugin.ok<{ token: string; conversation_id: string }>('chatplugin.authenticate', { channel_id: channel.id });
      await chatplugin.withToken(auth.token).ok('chatplugin.send', { message: { text: `visitor ${i} says hello` } });
      return auth.conversation_id;
    });
    const allListed = (api: ApiClient) => async () => (await api.ok<{ pagination_data: { total: number } }>('conversations.list', { page_size: 1 })).pagination_data.total === CONVERSATIONS;
    await waitFor(allListed(direct), { timeoutMs: 120_000, description: `${CONVERSATIONS} conversations listed` });
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const load = (baseUrl: string, body: unknown) =>
      autocannon({
        url: `${baseUrl}/conversations.list`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.systemToken}` },
        body: JSON.stringify(body),
        connections: 10,
        duration: DURATION_S,
      });
    /** `messages.send` answered (through the gateway) → the message is the newest in `messages.list` (through the gateway). */
    const sendToVisible = async (): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const conversationId = conversations[i % conversations.length]!;
        const sent = await agent.ok<{ id: string }>('messages.send', { conversation_id: conversationId, message: { text: `latency probe ${i}` } });
        const answered = performance.now();
        for (;;) {
          const page = await agent.ok<{ data: { id: string }[] }>('messages.list', { conversation_id: conversationId, page_size: 1 });
          if (page.data[0]?.id === sent.id) break;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        samples.push(performance.now() - answered);
      }
      return samples.sort((a, b) => a - b);
    };

    const rows: [string, Load][] = [];
    rows.push(['one replica, direct', await load(stack.apps.communication.url, { page_size: 20 })]);
    rows.push(['one replica, direct, unread + display_name filter', await load(stack.apps.communication.url, { filters: 'unread_count:[1 TO *] AND display_name:*chat*', page_size: 20 })]);
    rows.push(['one replica, through the gateway', await load(stack.gateway.url, { page_size: 20 })]);
    const latencyOne = await sendToVisible();

    const second = await stack.startReplica('communication');
    const secondApi = new ApiClient(second.url, stack.systemToken);
    // Both replicas own partitions and answer the whole list (each gathers the other's part).
    await waitFor(async () => (await allListed(secondApi)()) && (await allListed(direct)()), { timeoutMs: 120_000, description: 'two replicas listing every conversation' });
    rows.push(['two replicas, through the gateway', await load(stack.gateway.url, { page_size: 20 })]);
    const latencyTwo = await sendToVisible();

    const row = (name: string, r: Load) =>
      `| ${name.padEnd(52)} | ${r.requests.average.toFixed(0).padStart(7)} | ${String(r.latency.p50).padStart(6)} | ${String(r.latency.p99).padStart(6)} | ${String(r.errors + r.non2xx).padStart(6)} |`;
    console.log(`\nconversations.list, page_size 20 (${CONVERSATIONS} conversations seeded through the chatplugin API in ${seedSeconds.toFixed(1)} s; autocannon, 10 connections, ${DURATION_S} s each)`);
    console.log(`| ${'conversations.list'.padEnd(52)} |  req/s  | p50 ms | p99 ms | errors |`);
    console.log(`|${'-'.repeat(54)}|---------|--------|--------|--------|`);
    for (const [name, result] of rows) console.log(row(name, result));
    const line = (name: string, samples: number[]) =>
      `| ${name.padEnd(20)} | ${percentile(samples, 50).toFixed(1).padStart(6)} | ${percentile(samples, 99).toFixed(1).padStart(6)} | ${samples[samples.length - 1]!.toFixed(1).padStart(7)} |`;
    console.log(`\nmessages.send answered → newest in messages.list, both through the gateway (${LATENCY_SAMPLES} sends, polled every 2 ms)`);
    console.log('| setup                | p50 ms | p99 ms |  max ms |');
    console.log('|----------------------|--------|--------|---------|');
    console.log(line('one replica', latencyOne));
    console.log(line('two replicas', latencyTwo));
  } finally {
    await stack.stop();
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
