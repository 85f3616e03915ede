import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SecretBox, type OutboundJob } from '@platform/connector-kit';
import type { Channel } from '@platform/schemas';
import { GraphClient } from './graph-client';
import { metaChannelId, sealCredentials } from './meta-channels';
import { MetaSender } from './sender';
import { SentMids } from './sent-mids';
import { FakeGraph } from './testing/fake-graph';

const page = { id: '100200300', name: 'Page', token: 'EAAG-sender-spec-page-token' };
const box = new SecretBox([{ id: 'k1', key: Buffer.alloc(32, 3) }]);
const channelId = metaChannelId('facebook', page.id);
const channel: Channel = { id: channelId, source: 'facebook', sourceChannelId: page.id, connectionState: 'CONNECTED', token: sealCredentials(box, channelId, { token: page.token }), createdAt: 0 };

const job = (recipient: string): OutboundJob => ({
  message: { id: `reply-${recipient}`, conversationId: 'c', channelId, source: 'facebook', senderId: 'agent', isFromContact: false, deliveryState: 'PENDING', content: '{"text":"hi"}', sentAt: 0, updatedAt: null, sourceRecipientId: null, headers: {} },
  channel,
  recipient,
  idempotencyKey: `reply-${recipient}:0`,
});

describe('MetaSender against a local Graph API: bounded retries of transient refusals', () => {
  const fake = new FakeGraph({ pages: [page], whatsapp: new Map(), users: new Map(), profiles: new Map(), appSecret: 's', appId: '1' });
  /** A server that takes connections and closes them without an answer (Graph not answering). */
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    await fake.start();
    silent = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await fake.close();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const sent = new SentMids();
  const sender = (baseUrl: string, attempts: number) => new MetaSender({ graph: new GraphClient({ baseUrl, version: 'v25.0', timeoutMs: 2000 }), box, attempts, retryBaseMs: 1, sent });
  const calls = (recipient: string) => fake.received.filter((r) => (r.body?.recipient as { id?: string } | undefined)?.id === recipient).length;

  it('delivers after a throttled first call, and fails after `attempts` calls when Graph keeps throttling or failing', async () => {
    const delivered = await sender(fake.url, 2).send(job(FakeGraph.throttledOnce));
    expect(delivered).toEqual({ status: 'delivered', providerMessageId: expect.stringMatching(/^m_/) });
    // remembered as ours the moment Graph answered (its echo may be routed before the outcome is committed)
    expect(sent.has((delivered as { providerMessageId: string }).providerMessageId)).toBe(true);
    const limited = await sender(fake.url, 2).send(job(FakeGraph.rateLimited));
    expect(limited).toMatchObject({ status: 'failed', error: 'Graph API refused the message (HTTP 429, code 613): (#613) Calls to this api have exceeded the rate limit. (gave up after 2 attempts)' });
    const down = await sender(fake.url, 1).send(job(FakeGraph.unavailable));
    expect(down).toEqual({ status: 'failed', error: 'Graph API refused the message (HTTP 503): HTTP 503 without a Graph error body (gave up after 1 attempt)', providerError: JSON.stringify({ error: { message: 'HTTP 503 without a Graph error body' } }) });
    expect([FakeGraph.throttledOnce, FakeGraph.rateLimited, FakeGraph.unavailable].map(calls)).toEqual([2, 2, 1]);
  });

  it('fails at once on a refusal that is not transient, and after the attempts when Graph does not answer', async () => {
    expect(await sender(fake.url, 3).send(job(FakeGraph.blockedUser))).toMatchObject({ status: 'failed', error: expect.stringContaining('code 551/1545041') });
    expect(calls(FakeGraph.blockedUser)).toBe(1);
    const outcome = await sender(silentUrl, 2).send(job('6000000000000001'));
    expect(outcome.status).toBe('failed');
    expect(outcome).toMatchObject({ error: expect.stringMatching(/^Graph API not reachable: .* \(gave up after 2 attempts\)$/) });
    expect(outcome).not.toHaveProperty('providerError');
  });
});
