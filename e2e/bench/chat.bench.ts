/**
 * Chat API figures on this machine (`npm run bench`, or `BENCH_FILTER=e2e npm run bench`): the apps
 * run as processes as in production, against the bench's broker. Prints
 * - conversations.list against ONE communication instance, measured with autocannon: requests/s,
 *   p50/p99 latency, unfiltered and with an unread filter;
 * - the time from a visitor's `chatplugin.send` answer until the message is the newest in
 *   `messages.list` (p50/p99), polled every 2 ms.
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
    const visitors = await inBatches(CONVERSATIONS, 20, async (i) => {
      const auth = await chatplugin.ok<{ token: string; conversation_id: string }>('chatplugin.authenticate', { channel_id: channel.id });
      const api = chatplugin.withToken(auth.token);
      await api.ok('chatplugin.send', { message: { text: `visitor ${i} says hello` } });
      return { api, conversationId: auth.conversation_id };
    });
    await waitFor(async () => (await direct.ok<{ pagination_data: { total: number } }>('conversations.list', { page_size: 1 })).pagination_data.total === CONVERSATIONS, {
      timeoutMs: 120_000,
      description: `${CONVERSATIONS} conversations listed`,
    });
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const load = (body: unknown) =>
      autocannon({
        url: `${stack.apps.communication.url}/conversations.list`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.systemToken}` },
        body: JSON.stringify(body),
        connections: 10,
        duration: DURATION_S,
      });
    const plain = await load({ page_size: 20 });
    const filtered = await load({ filters: 'unread_count:[1 TO *] AND display_name:*chat*', page_size: 20 });

    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const visitor = visitors[i % visitors.length]!;
      const sent = await visitor.api.ok<{ id: string }>('chatplugin.send', { message: { text: `latency probe ${i}` } });
      const answered = performance.now();
      for (;;) {
        const page = await direct.ok<{ data: { id: string }[] }>('messages.list', { conversation_id: visitor.conversationId, page_size: 1 });
        if (page.data[0]?.id === sent.id) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      samples.push(performance.now() - answered);
    }
    samples.sort((a, b) => a - b);

    const row = (name: string, r: Awaited<ReturnType<typeof autocannon>>) =>
      `| ${name.padEnd(44)} | ${r.requests.average.toFixed(0).padStart(7)} | ${String(r.latency.p50).padStart(6)} | ${String(r.latency.p99).padStart(6)} | ${String(r.errors + r.non2xx).padStart(6)} |`;
    console.log(`\nChat API on one communication instance (${CONVERSATIONS} conversations seeded through the chatplugin API in ${seedSeconds.toFixed(1)} s; autocannon, 10 connections, ${DURATION_S} s)`);
    console.log('| request                                      |  req/s  | p50 ms | p99 ms | errors |');
    console.log('|----------------------------------------------|---------|--------|--------|--------|');
    console.log(row('conversations.list page_size 20', plain));
    console.log(row('conversations.list unread + display_name filter', filtered));
    console.log(`\nchatplugin.send answered → visible as newest in messages.list (${LATENCY_SAMPLES} sends, polled every 2 ms):`);
    console.log(`p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms, max ${samples[samples.length - 1]!.toFixed(1)} ms`);
  } finally {
    await stack.stop();
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
