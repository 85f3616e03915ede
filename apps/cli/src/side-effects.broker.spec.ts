import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConnectorTopology, InvalidRawEventError, type ConnectorDefinition } from '@platform/connector-kit';
import type { Channel, Message, Metadata, Serde } from '@platform/schemas';
import { partitionForKey, Serdes } from '@platform/streams';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { InProcessDriver } from './__fixtures__/in-process-driver';
import { runCliForTest } from './__fixtures__/run-cli';

const json = <T>(): Serde<T> => {
  const serde = Serdes.json<T>();
  return { serialize: async (t, v) => serde.serialize(t, v), deserialize: async (t, d) => serde.deserialize(t, d) };
};
const placement = (key: string, partitions: number) => partitionForKey(Buffer.from(key, 'utf8'), partitions);
const channel: Channel = { id: 'channel-1', source: 'toy', sourceChannelId: 'toy-account', connectionState: 'CONNECTED', token: null, createdAt: 0 };

/**
 * What `app reprocess` guarantees about outbound side effects today: the new version replays the history of
 * a connector (PENDING replies and the DELIVERED outcomes the old version wrote) without sending anything again.
 * The provider is a local HTTP server; every send is a POST it counts per message id.
 */
describe('app reprocess of a connector: history is not sent again', () => {
  const kafka = newKafka('cli-side-effects-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-side-effects-'));
  const received = new Map<string, number>();
  let provider: Server;
  let providerUrl = '';
  let driver: InProcessDriver | undefined;

  beforeAll(async () => {
    provider = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { messageId } = JSON.parse(body) as { messageId: string };
        received.set(messageId, (received.get(messageId) ?? 0) + 1);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `P-${messageId}` }));
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await driver?.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await new Promise((resolve) => provider.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const connector: ConnectorDefinition = {
    sources: ['toy'],
    route: () => {
      throw new InvalidRawEventError('no inbound traffic in this spec');
    },
    send: async (job) => {
      const response = await fetch(`${providerUrl}/send`, { method: 'POST', body: JSON.stringify({ messageId: job.message.id, to: job.recipient }) });
      return { status: 'delivered', providerMessageId: ((await response.json()) as { sid: string }).sid };
    },
  };

  it('v2 replays 6 sent replies and their outcomes without a send; after v1 is retired, new replies are sent once, by v2', async () => {
    const app = uniqueName('cli-toy-connector');
    const topics = { raw: uniqueName('cli-toy-raw'), messages: uniqueName('cli-toy-messages'), metadata: uniqueName('cli-toy-metadata') };
    for (const topic of Object.values(topics)) await createTopic(admin, topic, { partitions: 2 });
    const topology = () =>
      buildConnectorTopology({ topics, serdes: { message: json<Message>(), metadata: json<Metadata>() }, placement, storeName: 'toy-state', connector, channels: { get: (id) => (id === channel.id ? channel : undefined) }, outbound: { pollIntervalMs: 100, retryDelayMs: 1000 } });
    const d = new InProcessDriver(app, kafka, topology, path.join(dir, 'state'), { processingGuarantee: 'exactly-once' });
    driver = d;
    const reply = (n: number): Message => ({ id: `reply-${n}`, conversationId: `conv-${n % 3}`, channelId: channel.id, source: 'toy', senderId: 'agent', isFromContact: false, deliveryState: 'PENDING', content: '{"text":"hi"}', sentAt: Date.now(), updatedAt: null, sourceRecipientId: `contact-${n % 3}`, headers: {} });
    const sendReplies = async (ns: number[]) => {
      for (const n of ns) {
        const message = reply(n);
        await producer.send({ topic: topics.messages, messages: [{ key: message.conversationId, value: JSON.stringify(message), partition: placement(message.conversationId, 2) }] });
      }
    };
    await d.start(app, 1);
    await sendReplies([1, 2, 3, 4, 5, 6]);
    await waitFor(() => received.size === 6, { timeoutMs: 30_000, description: `v1 sent the 6 replies (${received.size})` });

    // under exactly-once the input ends with transaction markers, which a committed offset never passes: lag 0 is not reachable
    const result = await runCliForTest(['app', 'reprocess', app, '--max-lag', '4', '--grace', '1s', '--timeout', '30s', '--yes', '--json'], d);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ from: 1, to: 2, retired: true });
    expect(result.json<{ records: number }>().records).toBeGreaterThanOrEqual(12); // 6 PENDING + 6 DELIVERED replayed by v2

    await sendReplies([7, 8]);
    await waitFor(() => received.size === 8, { timeoutMs: 30_000, description: `v2 sent the new replies (${received.size})` });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few more outbound polls of v2: a duplicate would show now
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    expect([...received.keys()].sort()).toEqual(['reply-1', 'reply-2', 'reply-3', 'reply-4', 'reply-5', 'reply-6', 'reply-7', 'reply-8']);
  });
});
