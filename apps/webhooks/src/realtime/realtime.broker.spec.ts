import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, type IMessage } from '@stomp/stompjs';
import type { Admin, Producer } from 'kafkajs';
import { WebSocket } from 'ws';
import { issueUserToken } from '@platform/auth';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { createSchemaRegistry, type Message } from '@platform/schemas';
import { STOMP_SUBPROTOCOLS } from '@platform/stomp';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { parseWebhooksConfig } from '../config';
import { startWebhooks, type RunningWebhooks } from '../start';

const systemToken = 'realtime-spec-system-token-0123456789';

type Got = { type: string; id: string; position: string; body: { payload: Record<string, unknown> } };

/** A stompjs client (the library Airy's UIs use) on `ws` in Node; collects the MESSAGE frames of one subscription. */
function stompClient(url: string, connectHeaders: Record<string, string>, subscribeHeaders: Record<string, string>, got: Got[]) {
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, [...STOMP_SUBPROTOCOLS]),
    connectHeaders,
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  const connected = new Promise<void>((resolve, reject) => {
    client.onConnect = () => {
      client.subscribe('/events', (m: IMessage) => {
        const body = JSON.parse(m.body) as Got['body'] & { type: string; id: string };
        got.push({ type: body.type, id: body.id, position: m.headers['position'] ?? '', body });
      }, subscribeHeaders);
      resolve();
    };
    client.onStompError = (frame) => reject(new Error(frame.headers['message']));
  });
  client.activate();
  return { client, connected };
}

/** A raw STOMP exchange: sends `frames`, resolves with everything received until the server closes. */
function rawExchange(url: string, frames: string[], headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...STOMP_SUBPROTOCOLS], { headers });
    let text = '';
    ws.on('open', () => frames.forEach((f) => ws.send(f)));
    ws.on('message', (data: Buffer) => {
      text += data.toString('utf8');
      if (text.startsWith('CONNECTED')) ws.close();
    });
    ws.on('close', () => resolve(text));
    ws.on('error', reject);
  });
}

describe('realtime websocket (/ws.communication) on a real broker, two replicas', () => {
  let admin: Admin;
  let producer: Producer;
  let writer: ChatWriter;
  const replicas: RunningWebhooks[] = [];
  const dirs: string[] = [];

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
  const wsUrl = (replica: RunningWebhooks) => `${replica.url.replace(/^http/, 'ws')}/ws.communication`;

  beforeAll(async () => {
    const kafka = newKafka('realtime-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    const namespace = uniqueName('realtime-spec');
    await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    writer = new ChatWriter(producer, await withActualPartitions(chatTopics(namespace), admin), chatSerdes(createSchemaRegistry({ url: registryUrl() })));
    for (let i = 0; i < 2; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-spec-'));
      dirs.push(dir);
      const port = await freePort();
      const config = parseWebhooksConfig({
        KAFKA_BROKERS: kafkaBrokers().join(','),
        SCHEMA_REGISTRY_URL: registryUrl(),
        AUTH_SYSTEM_TOKEN: systemToken,
        AUTH_JWT_SECRET: 'realtime-spec-jwt-secret-0123456789abcdef',
        PORT: String(port),
        APPLICATION_SERVER: `127.0.0.1:${port}`,
        STATE_DIR: dir,
        TOPICS_NAMESPACE: namespace,
        WEBHOOKS_ENCRYPTION_KEY: 'realtime-spec-encryption-secret',
        COMMIT_INTERVAL_MS: '50',
        REALTIME_HEARTBEAT_MS: '1000',
      });
      replicas.push(await startWebhooks(config, { logger: silentLogger }));
    }
    await waitFor(async () => replicas.every((r) => r.app.state === 'RUNNING'), { timeoutMs: 90_000, description: 'both replicas running' });
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad credentials and bad frames with an ERROR frame and closes; accepts the airy_auth_token cookie', async () => {
    const url = wsUrl(replicas[0]!);
    const bad = await rawExchange(url, ['CONNECT\naccept-version:1.2\nAuthorization:Bearer wrong-token\n\n\0']);
    expect(bad).toMatch(/^ERROR\n/);
    expect(bad).toContain('message:401 Unauthorized');
    expect(await rawExchange(url, ['SUBSCRIBE\nid:0\ndestination:/events\n\n\0'])).toContain('the first frame must be CONNECT');
    expect(await rawExchange(url, ['CONNECT\naccept-version:1.2\n' + 'x:y\n'.repeat(100) + '\n\0'])).toContain('more than 32 headers');
    const token = `Bearer ${systemToken}`;
    expect(await rawExchange(url, [`CONNECT\naccept-version:1.2\nAuthorization:${token}\n\n\0`, 'SUBSCRIBE\nid:0\ndestination:/secret\n\n\0'])).toMatch(/^CONNECTED\n/);
    // a user JWT in Airy's cookie, no credentials in CONNECT
    const jwt = await issueUserToken('realtime-spec-jwt-secret-0123456789abcdef', 'agent-1');
    const viaCookie = await rawExchange(url, ['CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:0,0\n\n\0'], { cookie: `other=1; airy_auth_token=${jwt}` });
    expect(viaCookie).toContain('user-name:agent-1');
    // The same cookie sent by another site's page (cross-site websocket hijacking) authenticates nobody.
    const crossSite = await rawExchange(url, ['CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0'], { cookie: `airy_auth_token=${jwt}`, origin: 'https://evil.example' });
    expect(crossSite).toMatch(/^ERROR\n/);
    expect(crossSite).toContain('401');
    const sameHost = await rawExchange(url, ['CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0'], { cookie: `airy_auth_token=${jwt}`, origin: `http://${new URL(url).host}` });
    expect(sameHost).toContain('user-name:agent-1');
  });

  it('a stompjs client receives message.created; disconnected for 1,000 events it resumes on the other replica from its position, in order, without gaps or duplicates, then live', async () => {
    const first: Got[] = [];
    const a = stompClient(wsUrl(replicas[0]!), { Authorization: `Bearer ${systemToken}` }, {}, first);
    await a.connected;
    await writer.writeMessage(message('conv-live', 0));
    await waitFor(async () => first.some((g) => g.type === 'message.created'), { timeoutMs: 20_000, description: 'message.created on replica A' });
    const created = first.find((g) => g.type === 'message.created')!;
    expect(created.body.payload).toMatchObject({ conversation_id: 'conv-live', channel_id: 'channel-1', message: { id: 'conv-live-m0', content: { text: 'hello 0' }, from_contact: true } });
    await waitFor(async () => first.some((g) => g.type === 'conversation.updated'), { timeoutMs: 20_000, description: 'conversation.updated on replica A' });
    const last = first[first.length - 1]!;
    await a.client.deactivate();

    // 500 messages in 10 conversations while disconnected: 1,000 events (message.created + conversation.updated each)
    const conversations = Array.from({ length: 10 }, (_, i) => `conv-${i}`);
    for (let n = 1; n <= 50; n++) await Promise.all(conversations.map((c) => writer.writeMessage(message(c, n))));

    const resumed: Got[] = [];
    const b = stompClient(wsUrl(replicas[1]!), { Authorization: `Bearer ${systemToken}` }, { position: last.position }, resumed);
    await b.connected;
    await waitFor(async () => resumed.length >= 1000, { timeoutMs: 60_000, description: '1,000 missed events' });
    await writer.writeMessage(message('conv-live', 1));
    await waitFor(async () => resumed.some((g) => g.type === 'message.created' && g.body.payload['conversation_id'] === 'conv-live'), { timeoutMs: 20_000, description: 'the live event after the replay' });
    await waitFor(async () => resumed.length >= 1002, { timeoutMs: 20_000, description: 'its conversation.updated' });
    await b.client.deactivate();

    expect(resumed).toHaveLength(1002);
    expect(new Set(resumed.map((g) => g.id)).size).toBe(1002);
    expect(resumed.some((g) => first.some((f) => f.id === g.id))).toBe(false);
    for (const c of conversations) {
      const ids = resumed.filter((g) => g.type === 'message.created' && g.body.payload['conversation_id'] === c).map((g) => (g.body.payload['message'] as { id: string }).id);
      expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => `${c}-m${i + 1}`));
    }
    expect(resumed.slice(-2).map((g) => g.type).sort()).toEqual(['conversation.updated', 'message.created']);
  });
});
