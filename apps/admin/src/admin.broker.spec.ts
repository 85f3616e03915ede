import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { channelId, maxNameLength, maxRequestBodyBytes, maxTagNameLength, maxTemplateContentBytes } from '@platform/chat-domain';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { createSchemaRegistry, type Channel } from '@platform/schemas';
import { allTopics, applyTopics } from '@platform/topics';
import { issueUserToken } from '@platform/auth';
import { adminEndpoints } from './app/app.module';
import { freePort } from '@platform/config';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { parseAdminConfig } from './config';
import { startAdmin, type RunningAdmin } from './start';

const systemToken = 'admin-spec-system-token-0123456789';
const jwtSecret = 'admin-spec-jwt-secret-0123456789abcdef';

describe('admin with two replicas on a real broker', () => {
  let admin: Admin;
  let producer: Producer;
  let writer: ChatWriter;
  let a: RunningAdmin;
  let b: RunningAdmin;
  const dirs: string[] = [];
  const channels: Channel[] = [];

  const start = async (namespace: string) => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-spec-'));
    dirs.push(dir);
    const config = parseAdminConfig({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: jwtSecret,
      PORT: String(port),
      STATE_DIR: dir,
      TOPICS_NAMESPACE: namespace,
    });
    return startAdmin(config, { logger: silentLogger });
  };

  beforeAll(async () => {
    const kafka = newKafka('admin-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    const namespace = uniqueName('admin-spec');
    await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    const declared = chatTopics(namespace);
    const ready = () => admin.fetchTopicMetadata({ topics: [...declared.partitions.keys()] }).then(() => true, () => false);
    await waitFor(ready, { timeoutMs: 30_000, description: 'metadata of the new topics' });
    const topics = await withActualPartitions(declared, admin);
    writer = new ChatWriter(producer, topics, chatSerdes(createSchemaRegistry({ url: registryUrl() })));
    // Channels are created by connectors (chatplugin connect); the admin app only reads them.
    // The ids of alpha, beta, delta, epsilon and zeta fall on partitions 5–9 of the 10, eta's on partition 0: the
    // assignor gives each replica half of every subtopology's partitions, so both replicas own channels.
    for (const [i, name] of ['alpha', 'beta', 'eta', 'delta', 'epsilon', 'zeta'].entries()) {
      const source = i % 2 === 0 ? 'chatplugin' : 'twilio.sms';
      const channel: Channel = { id: channelId(source, name), source, sourceChannelId: name, connectionState: 'CONNECTED', token: null, createdAt: 1_700_000_000_000 };
      channels.push(channel);
      await writer.writeChannel(channel);
    }
    await writer.writeChannel({ ...channels[5]!, connectionState: 'DISCONNECTED' });

    a = await start(namespace);
    b = await start(namespace);
    const split = () =>
      [a, b].every((s) => {
        const members = s.app.allMetadata();
        return s.app.state === 'RUNNING' && members.length === 2 && members.every((m) => m.tasks.length > 0 && m.endpoint);
      });
    await waitFor(async () => split(), { timeoutMs: 60_000, description: 'two running replicas sharing the tasks' });
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = async (on: RunningAdmin, endpoint: string, body: unknown, token: string | null = systemToken) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${on.url}/${endpoint}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>), position: response.headers.get('x-streams-position') };
  };
  /** The same call on both replicas must answer the same. */
  const onBoth = async (endpoint: string, body: unknown) => {
    const [fromA, fromB] = [await call(a, endpoint, body), await call(b, endpoint, body)];
    expect(fromB.status).toBe(fromA.status);
    expect(fromB.body).toEqual(fromA.body);
    return fromA;
  };
  const connected = () => channels.slice(0, 5);
  const ownerOf = (id: string) => (a.app.metadataForKey('channels', id)?.local ? a : b);
  const other = (r: RunningAdmin) => (r === a ? b : a);

  it('refuses calls without a valid token (401) on every endpoint of both replicas', async () => {
    const endpoints = ['channels.list', 'channels.info', 'channels.update', 'tags.create', 'tags.list', 'tags.update', 'tags.delete'];
    const more = ['templates.create', 'templates.list', 'templates.info', 'templates.update', 'templates.delete', 'internal/channels.list-local'];
    for (const replica of [a, b]) {
      for (const endpoint of [...endpoints, ...more]) {
        const missing = await call(replica, endpoint, {}, null);
        expect({ endpoint, status: missing.status }).toEqual({ endpoint, status: 401 });
        expect(missing.body).toEqual({ message: expect.any(String) });
        expect((await call(replica, endpoint, {}, 'wrong-token')).status).toBe(401);
      }
      // A user's JWT is as good as the system token.
      expect((await call(replica, 'tags.list', {}, await issueUserToken(jwtSecret, 'agent-1', 'Ada'))).status).toBe(200);
      // Probes and the OpenAPI document need no token; /metrics on the API port needs the system token.
      expect((await fetch(`${replica.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${replica.url}/metrics`)).status).toBe(401);
      const metrics = await (await fetch(`${replica.url}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } })).text();
      expect(metrics).toContain('http_requests_total');
      expect(metrics).toContain('process_resident_memory_bytes');
      const openapi = (await (await fetch(`${replica.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths).sort()).toEqual(adminEndpoints.map((e) => `/${e}`).sort());
    }
  });

  it('lists every connected channel from both replicas, whichever owns it; info answers any channel', async () => {
    // Every replica owns some of the channels.
    expect(new Set(channels.map((c) => ownerOf(c.id))).size).toBe(2);
    await waitFor(async () => ((await call(a, 'channels.list', {})).body?.data as unknown[] | undefined)?.length === 5, {
      timeoutMs: 30_000,
      description: 'the five connected channels listed',
    });
    const list = await onBoth('channels.list', {});
    expect(list.status).toBe(200);
    const data = list.body!.data as { id: string; name?: string; metadata: { name: string } }[];
    expect(data.map((c) => c.id).sort()).toEqual(connected().map((c) => c.id).sort());
    expect(data.map((c) => c.metadata.name)).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'eta']);
    expect(list.body!.pagination_data).toEqual({ previous_cursor: null, next_cursor: null, total: 5 });

    const sms = await onBoth('channels.list', { source: 'twilio.sms' });
    expect((sms.body!.data as { source: string }[]).map((c) => c.source)).toEqual(['twilio.sms', 'twilio.sms']);

    for (const channel of channels) {
      const info = await onBoth('channels.info', { channel_id: channel.id });
      expect(info.status).toBe(200);
      expect(info.body).toEqual({
        id: channel.id,
        source: channel.source,
        source_channel_id: channel.sourceChannelId,
        connected: channel !== channels[5],
        metadata: { name: channel.sourceChannelId },
      });
    }
    const unknown = await onBoth('channels.info', { channel_id: 'no-such-channel' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'channel no-such-channel not found' });
    const bad = await onBoth('channels.info', {});
    expect(bad.status).toBe(400);
    expect(bad.body!.message).toContain('channel_id');
  });

  it('updates a channel on its owner and every replica reads the update right after', async () => {
    for (const channel of connected().slice(0, 2)) {
      // Sent to the replica that does not own the channel: it runs on the owner.
      const via = other(ownerOf(channel.id));
      const update = await call(via, 'channels.update', { channel_id: channel.id, name: `Shop ${channel.sourceChannelId}`, image_url: 'https://example.com/logo.png' });
      expect(update.status).toBe(200);
      expect(update.body).toEqual({
        id: channel.id,
        source: channel.source,
        source_channel_id: channel.sourceChannelId,
        connected: true,
        metadata: { name: `Shop ${channel.sourceChannelId}`, image_url: 'https://example.com/logo.png' },
      });
      expect(update.position).toMatch(/:\d+:\d+$/);
      const info = await onBoth('channels.info', { channel_id: channel.id });
      expect(info.body).toEqual(update.body);
      const list = await onBoth('channels.list', {});
      expect((list.body!.data as { id: string }[]).find((c) => c.id === channel.id)).toEqual(update.body);
    }
    expect((await onBoth('channels.update', { channel_id: 'no-such-channel', name: 'x' })).status).toBe(404);
    const bad = await onBoth('channels.update', { channel_id: channels[0]!.id, image_url: 'not a url' });
    expect(bad.status).toBe(400);
    expect(bad.body!.message).toContain('image_url');
  });

  it('creates, lists, updates and deletes tags with read-your-writes on the other replica', async () => {
    const created = await call(a, 'tags.create', { name: 'VIP', color: 'tag-red' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'VIP', color: 'tag-red' });
    expect(created.position).toMatch(/tags:0:\d+$/);
    const id = created.body!.id as string;
    const second = await call(b, 'tags.create', { name: 'billing', color: 'tag-blue' });
    expect(second.status).toBe(201);

    const listed = await onBoth('tags.list', {});
    expect(listed.status).toBe(200);
    expect(listed.body!.data).toEqual([second.body, created.body]);

    const updated = await call(b, 'tags.update', { id, color: 'tag-green' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id, name: 'VIP', color: 'tag-green' });
    expect(((await call(a, 'tags.list', {})).body!.data as unknown[])).toContainEqual(updated.body);

    const deleted = await call(a, 'tags.delete', { id });
    expect(deleted.status).toBe(204);
    expect(deleted.position).toMatch(/tags:0:\d+$/);
    expect((await onBoth('tags.list', {})).body!.data).toEqual([second.body]);

    expect((await onBoth('tags.delete', { id })).status).toBe(404);
    expect((await onBoth('tags.update', { id, name: 'again' })).status).toBe(404);
    const badColor = await onBoth('tags.create', { name: 'x', color: 'pink' });
    expect(badColor.status).toBe(400);
    expect(badColor.body!.message).toContain('color');
    expect((await onBoth('tags.create', { color: 'tag-blue' })).body!.message).toContain('name');
  });

  it('creates, finds, updates and deletes templates with read-your-writes on the other replica', async () => {
    const content = { text: 'Hello {{name}}' };
    const created = await call(b, 'templates.create', { name: 'Greeting', source: 'chatplugin', content });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Greeting', source: 'chatplugin', content });
    const id = created.body!.id as string;
    await call(a, 'templates.create', { name: 'Goodbye', source: 'chatplugin', content: 'bye' });
    await call(a, 'templates.create', { name: 'Greeting', source: 'twilio.sms', content: { body: 'hi' } });

    expect((await onBoth('templates.info', { id })).body).toEqual(created.body);
    const bySource = await onBoth('templates.list', { source: 'chatplugin' });
    expect((bySource.body!.data as { name: string }[]).map((t) => t.name)).toEqual(['Goodbye', 'Greeting']);
    const byName = await onBoth('templates.list', { source: 'chatplugin', name: 'greet' });
    expect(byName.body!.data).toEqual([created.body]);

    const updated = await call(a, 'templates.update', { id, name: 'Welcome', content: { text: 'Welcome!' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id, name: 'Welcome', source: 'chatplugin', content: { text: 'Welcome!' } });
    expect((await onBoth('templates.info', { id })).body).toEqual(updated.body);

    expect((await call(b, 'templates.delete', { id })).status).toBe(204);
    const gone = await onBoth('templates.info', { id });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: `template ${id} not found` });
    expect((await onBoth('templates.delete', { id })).status).toBe(404);
    expect((await onBoth('templates.update', { id, name: 'x' })).status).toBe(404);
    expect((await onBoth('templates.list', {})).body!.message).toContain('source');
    expect((await onBoth('templates.create', { name: 'x', source: 'chatplugin' })).body!.message).toContain('content');
  });

  it('bounds templates, tags and channels: content and names exactly at their limits are accepted, one over is 413 naming the limit', async () => {
    const content = (bytes: number) => ({ text: '€'.repeat(Math.floor((bytes - 11) / 3)) + 'x'.repeat((bytes - 11) % 3) });
    expect(Buffer.byteLength(JSON.stringify(content(maxTemplateContentBytes)))).toBe(maxTemplateContentBytes);
    const created = await call(a, 'templates.create', { name: 'n'.repeat(maxNameLength), source: 'chatplugin', content: content(maxTemplateContentBytes) });
    expect(created.status).toBe(201);
    const over = await call(b, 'templates.create', { name: 'Big', source: 'chatplugin', content: content(maxTemplateContentBytes + 1) });
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ message: `template content is ${maxTemplateContentBytes + 1} bytes, limit ${maxTemplateContentBytes} bytes` });
    const updateOver = await call(b, 'templates.update', { id: created.body!.id, content: content(maxTemplateContentBytes + 1) });
    expect(updateOver.status).toBe(413);
    expect((await call(a, 'templates.create', { name: 'n'.repeat(maxNameLength + 1), source: 'chatplugin', content: {} })).status).toBe(413);
    const huge = await call(a, 'templates.create', { name: 'Huge', source: 'chatplugin', content: { text: 'x'.repeat(maxRequestBodyBytes) } });
    expect(huge.status).toBe(413);
    expect(huge.body!.message).toContain(`limit ${maxRequestBodyBytes} bytes`);

    expect((await call(a, 'tags.create', { name: 't'.repeat(maxTagNameLength), color: 'tag-red' })).status).toBeLessThan(300);
    const tagOver = await call(a, 'tags.create', { name: 't'.repeat(maxTagNameLength + 1), color: 'tag-red' });
    expect(tagOver.status).toBe(413);
    expect(tagOver.body).toEqual({ message: `name must be at most ${maxTagNameLength} characters` });
    const channelOver = await call(a, 'channels.update', { channel_id: connected()[0]!.id, name: 'c'.repeat(maxNameLength + 1) });
    expect(channelOver.status).toBe(413);
    expect(channelOver.body).toEqual({ message: `name must be at most ${maxNameLength} characters` });
  });
});
