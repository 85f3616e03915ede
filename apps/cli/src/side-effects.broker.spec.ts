import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { GlobalTable } from '@platform/chat-streams';
import { buildConnectorTopology, InvalidRawEventError, parseSendEpochs, sendEpochGuard, type ConnectorDefinition, type SendEpochs } from '@platform/connector-kit';
import type { Channel, Message, Metadata, Serde } from '@platform/schemas';
import { partitionForKey, Serdes } from '@platform/streams';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { InProcessDriver } from './__fixtures__/in-process-driver';
import { runCliForTest } from './__fixtures__/run-cli';
import { HANDOFF_DELAY_MS, sendEpochsTopic } from './kafka/send-epochs';

const json = <T>(): Serde<T> => {
  const serde = Serdes.json<T>();
  return { serialize: async (t, v) => serde.serialize(t, v), deserialize: async (t, d) => serde.deserialize(t, d) };
};
const placement = (key: string, partitions: number) => partitionForKey(Buffer.from(key, 'utf8'), partitions);
const channel: Channel = { id: 'channel-1', source: 'toy', sourceChannelId: 'toy-account', connectionState: 'CONNECTED', token: null, createdAt: 0 };

/**
 * What `app reprocess` guarantees about outbound side effects: the new version replays the history of a
 * connector (PENDING replies and the DELIVERED outcomes the old version wrote) without sending anything again,
 * and while both versions run each new reply has one sender (the control topic's epochs, read by every
 * version through a global table, as the connector apps do). The provider is a local HTTP server; every send is
 * a POST it records per message id with the sending version.
 */
describe('app reprocess of a connector: history is not sent again, new replies once while both versions run', () => {
  const kafka = newKafka('cli-side-effects-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-side-effects-'));
  const received = new Map<string, number[]>();
  const control = sendEpochsTopic(undefined);
  const epochs = new GlobalTable<SendEpochs | undefined>({ kafka, topic: control, groupIdPrefix: 'cli-side-effects-spec', freshnessIntervalMs: 200, serde: { serialize: async () => Buffer.alloc(0), deserialize: async (_t, data) => parseSendEpochs(JSON.parse(data.toString('utf8'))) } });
  let provider: Server;
  let providerUrl = '';
  let driver: InProcessDriver | undefined;

  beforeAll(async () => {
    provider = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { messageId, version } = JSON.parse(body) as { messageId: string; version: number };
        received.set(messageId, [...(received.get(messageId) ?? []), version]);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `P-${messageId}` }));
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    await Promise.all([admin.connect(), producer.connect()]);
    if (!(await admin.listTopics()).includes(control)) {
      await createTopic(admin, control, { partitions: 1, config: { 'cleanup.policy': 'compact' } }).catch((error: unknown) => {
        if (!/already exists/i.test(String(error))) throw error;
      });
    }
    await epochs.start();
  });
  afterAll(async () => {
    await driver?.close();
    await epochs.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await new Promise((resolve) => provider.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const connector = (version: number): ConnectorDefinition => ({
    sources: ['toy'],
    route: () => {
      throw new InvalidRawEventError('no inbound traffic in this spec');
    },
    send: async (job) => {
      const response = await fetch(`${providerUrl}/send`, { method: 'POST', body: JSON.stringify({ messageId: job.message.id, to: job.recipient, version }) });
      return { status: 'delivered', providerMessageId: ((await response.json()) as { sid: string }).sid };
    },
  });

  it('v2 replays 6 sent replies without a send; while v1 and v2 both run each new reply is sent once, by the version of its epoch; after v1 is retired, by v2', async () => {
    const app = uniqueName('cli-toy-connector');
    const topics = { raw: uniqueName('cli-toy-raw'), messages: uniqueName('cli-toy-messages'), metadata: uniqueName('cli-toy-metadata') };
    for (const topic of Object.values(topics)) await createTopic(admin, topic, { partitions: 2 });
    const topology = (version: number) =>
      buildConnectorTopology({
        topics,
        serdes: { message: json<Message>(), metadata: json<Metadata>() },
        placement,
        storeName: 'toy-state',
        connector: connector(version),
        channels: { get: (id) => (id === channel.id ? channel : undefined) },
        outbound: { pollIntervalMs: 100, retryDelayMs: 1000, guard: sendEpochGuard(version, () => epochs.get(app), () => epochs.freshSince()) },
      });
    const d = new InProcessDriver(app, kafka, topology, path.join(dir, 'state'), { processingGuarantee: 'exactly-once' });
    driver = d;
    const reply = (n: number, sentAt: number): Message => ({ id: `reply-${n}`, conversationId: `conv-${n % 3}`, channelId: channel.id, source: 'toy', senderId: 'agent', isFromContact: false, deliveryState: 'PENDING', content: '{"text":"hi"}', sentAt, updatedAt: null, sourceRecipientId: `contact-${n % 3}`, headers: {} });
    const sendReplies = async (ns: number[], sentAt = Date.now()) => {
      for (const n of ns) {
        const message = reply(n, sentAt);
        await producer.send({ topic: topics.messages, messages: [{ key: message.conversationId, value: JSON.stringify(message), partition: placement(message.conversationId, 2) }] });
      }
    };
    await d.start(app, 1);
    await sendReplies([1, 2, 3, 4, 5, 6]);
    await waitFor(() => received.size === 6, { timeoutMs: 30_000, description: `v1 sent the 6 replies (${received.size})` });

    // under exactly-once the input ends with transaction markers, which a committed offset never passes: lag 0 is not reachable
    const run = runCliForTest(['app', 'reprocess', app, '--max-lag', '4', '--grace', `${Math.ceil((HANDOFF_DELAY_MS + 4000) / 1000)}s`, '--timeout', '30s', '--yes', '--json'], d);
    // The switch: traffic on v2, the handoff recorded; both versions run (caught up) until v1 is retired after the grace period.
    await waitFor(() => (epochs.get(app)?.epochs.length ?? 0) === 2, { timeoutMs: 30_000, description: 'the handoff to v2 is recorded' });
    const handoffAt = epochs.get(app)!.epochs[1]!.from;
    expect(epochs.get(app)!.epochs).toEqual([{ version: 1, from: 0 }, { version: 2, from: handoffAt }]);
    // Written now, while both run; their send times fall before and after the handoff: reply 7 is v1's, reply 8 v2's.
    await sendReplies([7], handoffAt - 1000);
    await sendReplies([8], handoffAt + 1);
    await waitFor(() => received.has('reply-7') && received.has('reply-8'), { timeoutMs: 10_000, description: 'replies 7 and 8 sent' });

    const result = await run;
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ from: 1, to: 2, retired: true });
    expect(result.json<{ records: number }>().records).toBeGreaterThanOrEqual(12); // 6 PENDING + 6 DELIVERED replayed by v2
    await waitFor(() => epochs.get(app)?.epochs.length === 1, { timeoutMs: 10_000, description: 'v2 is the sole sender after the retirement' });
    expect(epochs.get(app)!.epochs).toEqual([{ version: 2, from: 0 }]);

    await sendReplies([9, 10]);
    await waitFor(() => received.size === 10, { timeoutMs: 30_000, description: `v2 sent the new replies (${received.size})` });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few more outbound polls of v2: a duplicate would show now
    expect(Object.fromEntries(received)).toEqual({
      'reply-1': [1], 'reply-2': [1], 'reply-3': [1], 'reply-4': [1], 'reply-5': [1], 'reply-6': [1],
      'reply-7': [1], 'reply-8': [2], 'reply-9': [2], 'reply-10': [2],
    });
  });
});
