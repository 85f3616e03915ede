import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { conversationId, messageId } from '@platform/chat-domain';
import { ChatWriter, chatSerdes, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { createSchemaRegistry, type Channel, type Message, type Metadata } from '@platform/schemas';
import { allTopics, topicName } from '@platform/topics';
import { newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { metaChannelId } from './meta-channels';
import { FACEBOOK_RAW_TOPIC, WHATSAPP_RAW_TOPIC, type StartedMeta } from './start';
import { createMetaTopics, startSpecMeta } from './testing/broker-setup';
import { FakeGraph, type FakePage } from './testing/fake-graph';

const systemToken = 'meta-spec-system-token-0123456789';
const appSecret = 'meta-spec-app-secret';
const appId = '1234567890';
const verifyToken = 'meta-spec-verify-token';
const page: FakePage = { id: '100200300', name: 'Support page', token: 'EAAG-page-token-secret-1' };
const phoneNumberId = '106540352242922';
const whatsappToken = 'EAAG-whatsapp-token-secret-2';
const psid = '6000000000000001';
const waContact = '16315551234';
const igAccount = '17841400000000001';
const igsid = '7000000000000001';
const key = Buffer.alloc(32, 9).toString('base64');

describe('meta connector on a real broker, against a local Graph API', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let topics: ChatTopics;
  let serdes: ChatSerdes;
  let writer: ChatWriter;
  let fake: FakeGraph;
  let app: StartedMeta;
  let namespace: string;
  const dirs: string[] = [];
  const messages: Message[] = [];
  const metadata: Metadata[] = [];
  const channels: { value: Buffer; channel: Channel }[] = [];
  const fbChannel = metaChannelId('facebook', page.id);
  const waChannel = metaChannelId('whatsapp', phoneNumberId);
  const fbConversation = conversationId(fbChannel, psid);
  const waConversation = conversationId(waChannel, waContact);

  beforeAll(async () => {
    fake = new FakeGraph({
      pages: [page],
      whatsapp: new Map([[whatsappToken, phoneNumberId]]),
      users: new Map([['user-token', [page, { id: '999', name: 'Other page', token: 'other-page-token' }]]]),
      profiles: new Map<string, Record<string, string>>([
        [psid, { first_name: 'Grace', last_name: 'Hopper', profile_pic: 'https://example.com/grace.jpg' }],
        [igsid, { name: 'Ada Lovelace', profile_pic: 'https://example.com/ada.jpg' }],
      ]),
      instagram: new Map([[igsid, igAccount]]),
      appSecret,
      appId,
    });
    await fake.start();
    kafka = newKafka('meta-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    namespace = uniqueName('meta-spec');
    topics = await createMetaTopics(admin, namespace);
    serdes = chatSerdes(createSchemaRegistry({ url: registryUrl() }));
    writer = new ChatWriter(producer, topics, serdes);
    consumer = kafka.consumer({ groupId: uniqueName('meta-spec-reader') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.messages, topics.metadata, topics.channels], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        if (topic === topics.messages) messages.push(await serdes.message.deserialize(topic, message.value));
        else if (topic === topics.metadata) metadata.push(await serdes.metadata.deserialize(topic, message.value));
        else channels.push({ value: message.value, channel: await serdes.channel.deserialize(topic, message.value) });
      },
    });
    app = await startApp(1);
  });

  /** Starts the connector (a new `version` is a router reset: new consumer groups, empty stores). */
  async function startApp(version: number): Promise<StartedMeta> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meta-spec-'));
    dirs.push(dir);
    const started = await startSpecMeta({ namespace, version, stateDir: dir, graphUrl: fake.url, systemToken, appSecret, appId, verifyToken, key });
    fake.echoTo = `${started.url}/facebook`;
    return started;
  }

  afterAll(async () => {
    await fake?.close();
    await app?.close();
    await consumer?.disconnect();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = async (endpoint: string, body: unknown) => {
    const response = await fetch(`${app.url}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${systemToken}` }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const pageWebhook = (...messaging: object[]) => ({ object: 'page', entry: [{ id: page.id, time: Date.now(), messaging }] });
  const fromContact = (mid: string, text: string) => ({ sender: { id: psid }, recipient: { id: page.id }, timestamp: 1764000000000, message: { mid, text } });
  const pending = (id: string, content: object, overrides: Partial<Message> = {}): Message => ({
    id, conversationId: fbConversation, channelId: fbChannel, source: 'facebook', senderId: 'agent-1', isFromContact: false, deliveryState: 'PENDING',
    content: JSON.stringify(content), sentAt: Date.now(), updatedAt: null, sourceRecipientId: null, headers: {}, ...overrides,
  });
  const final = async (id: string) => {
    await waitFor(async () => messages.some((m) => m.id === id && m.deliveryState !== 'PENDING'), { timeoutMs: 20_000, description: `outcome of ${id}` });
    return messages.find((m) => m.id === id && m.deliveryState !== 'PENDING')!;
  };
  const factsOf = (kind: string, id: string) => Object.fromEntries(metadata.filter((f) => f.subject === kind && f.identifier === id).map((f) => [f.key, f.value]));
  const routed = (id: string) => waitFor(async () => messages.some((m) => m.id === id), { timeoutMs: 20_000, description: `message ${id}` });

  it('connects Messenger and WhatsApp channels with their tokens sealed, and explores the user’s pages', async () => {
    const facebook = await call('channels.facebook.connect', { page_id: page.id, page_token: page.token, name: 'Support' });
    expect(facebook).toEqual({ status: 200, body: { id: fbChannel, source: 'facebook', source_channel_id: page.id, connected: true, metadata: { name: 'Support' } } });
    const whatsapp = await call('channels.whatsapp.connect', { phone_number_id: phoneNumberId, user_token: whatsappToken, name: 'WA' });
    expect(whatsapp.body).toMatchObject({ id: waChannel, source: 'whatsapp', connected: true });
    expect((await call('channels.instagram.connect', { page_id: page.id, page_token: 'x' })).body).toEqual({ message: expect.stringContaining('account_id') });
    await waitFor(async () => channels.some((c) => c.channel.id === waChannel), { timeoutMs: 10_000, description: 'channel records' });
    for (const [id, secret] of [[fbChannel, page.token], [waChannel, whatsappToken]] as const) {
      const record = channels.find((c) => c.channel.id === id)!;
      expect(record.channel.token).toMatch(/^v1:k1:/);
      expect(record.value.includes(Buffer.from(secret))).toBe(false);
    }
    const explored = await call('channels.facebook.explore', { auth_token: 'user-token' });
    expect(explored).toEqual({ status: 200, body: { data: [
      { page_id: page.id, name: page.name, image_url: `https://example.com/${page.id}.png`, access_token: page.token, connected: true },
      { page_id: '999', name: 'Other page', image_url: 'https://example.com/999.png', access_token: 'other-page-token', connected: false },
    ] } });
    expect((await call('channels.facebook.explore', { auth_token: 'expired' })).body.message).toMatch(/code 190.*Invalid OAuth access token/);
  });

  it('answers the verification handshake only for hub.mode=subscribe with our verify token', async () => {
    const handshake = (query: string) => fetch(`${app.url}/facebook?${query}`).then(async (r) => ({ status: r.status, text: await r.text() }));
    expect(await handshake(`hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${verifyToken}`)).toEqual({ status: 200, text: '1158201444' });
    expect((await handshake('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong')).status).toBe(403);
    expect((await handshake(`hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${verifyToken}`)).status).toBe(403);
    expect((await fetch(`${app.url}/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${verifyToken}`)).status).toBe(200);
  });

  it('refuses unsigned and badly signed webhooks (403); a signed message becomes one message however often Meta sends it, and the contact’s profile is fetched', async () => {
    const body = pageWebhook(fromContact('m_inbound-1', 'hello'));
    expect((await fake.deliver(`${app.url}/facebook`, body, 'none')).status).toBe(403);
    expect((await fake.deliver(`${app.url}/facebook`, body, 'bad')).status).toBe(403);
    expect(await fake.deliver(`${app.url}/facebook`, body)).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
    expect((await fake.deliver(`${app.url}/facebook`, body)).status).toBe(200);
    expect((await fake.deliver(`${app.url}/facebook`, pageWebhook(fromContact('m_inbound-2', 'second')))).status).toBe(200);
    await routed(messageId(fbChannel, 'm_inbound-2'));
    const copies = messages.filter((m) => m.id === messageId(fbChannel, 'm_inbound-1'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ conversationId: fbConversation, channelId: fbChannel, source: 'facebook', senderId: psid, isFromContact: true, deliveryState: 'DELIVERED', sentAt: 1764000000000 });
    expect(JSON.parse(copies[0]!.content)).toEqual(fromContact('m_inbound-1', 'hello'));
    await waitFor(async () => factsOf('conversation', fbConversation)['contact.fetch_state'] === 'ok', { timeoutMs: 10_000, description: 'profile fetched' });
    expect(factsOf('conversation', fbConversation)).toMatchObject({ 'contact.display_name': 'Grace Hopper', 'contact.avatar_url': 'https://example.com/grace.jpg' });
    expect(fake.received.filter((r) => r.path === `/v25.0/${psid}`)).toHaveLength(1);
  });

  it('conversations.refetch drops the fetch state and fetches the contact’s profile again (202); bad ids 400, unknown or WhatsApp conversations 404', async () => {
    const profileCalls = () => fake.received.filter((r) => r.path === `/v25.0/${psid}`).length;
    const states = () => metadata.filter((f) => f.subject === 'conversation' && f.identifier === fbConversation && f.key === 'contact.fetch_state').length;
    const before = states();
    expect(await call('conversations.refetch', { conversation_id: fbConversation })).toEqual({ status: 202, body: {} });
    await waitFor(async () => states() > before, { timeoutMs: 10_000, description: 'profile fetched again' });
    expect(profileCalls()).toBe(2);
    expect(factsOf('conversation', fbConversation)).toMatchObject({ 'contact.fetch_state': 'ok', 'contact.display_name': 'Grace Hopper' });
    expect(await call('conversations.refetch', { conversation_id: conversationId(fbChannel, '6000000000000099') })).toEqual({ status: 404, body: { message: expect.stringContaining('not a Messenger or Instagram conversation') } });
    expect((await call('conversations.refetch', { conversation_id: waConversation })).status).toBe(404);
    for (const bad of [{}, { conversation_id: 7 }, { conversation_id: 'x'.repeat(10_000) }, JSON.parse('{"__proto__":{"conversation_id":"a"}}')]) {
      const answer = await call('conversations.refetch', bad);
      expect(answer.status).toBe(400);
      expect(typeof answer.body.message).toBe('string');
    }
    expect(profileCalls()).toBe(2);
  });

  it('sends a reply through /me/messages and writes DELIVERED with the message id; Meta’s echo of it adds nothing, another app’s echo is a message', async () => {
    await writer.writeMessage(pending('reply-1', { text: 'Hi, how can we help?' }));
    const delivered = await final('reply-1');
    expect(delivered.deliveryState).toBe('DELIVERED');
    const request = fake.received.find((r) => r.path === '/v25.0/me/messages')!;
    expect(request.authorization).toBe(`Bearer ${page.token}`);
    expect(request.body).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Hi, how can we help?', metadata: 'platform:reply-1' } });
    const mid = delivered.headers!['source.id']!;
    expect(mid).toMatch(/^m_/);
    await waitFor(async () => factsOf('message', 'reply-1')['source.id'] === mid, { timeoutMs: 10_000, description: 'source.id metadata' });
    // the fake posted the echo right after answering (as Meta does); once it is accepted, a later event of the same
    // conversation (same partition) routed means the echo was routed too
    await fake.echoesDone();
    expect(fake.echoed).toEqual([200]);
    const thirdParty = { sender: { id: page.id }, recipient: { id: psid }, timestamp: 1764000000500, message: { mid: 'm_other-app', text: 'from a helpdesk app', is_echo: true, app_id: 555 } };
    expect((await fake.deliver(`${app.url}/facebook`, pageWebhook(thirdParty))).status).toBe(200);
    await routed(messageId(fbChannel, 'm_other-app'));
    expect(messages.find((m) => m.id === messageId(fbChannel, 'm_other-app'))).toMatchObject({ isFromContact: false, senderId: '555', conversationId: fbConversation });
    expect(messages.filter((m) => m.conversationId === fbConversation && m.id !== 'reply-1' && !m.isFromContact).map((m) => m.id)).toEqual([messageId(fbChannel, 'm_other-app')]);
    expect(messages.some((m) => m.id === messageId(fbChannel, mid))).toBe(false);
  });

  it('records postbacks and reactions as metadata', async () => {
    const postback = { sender: { id: psid }, recipient: { id: page.id }, timestamp: 1764000001000, postback: { title: 'Talk to a human', payload: 'HUMAN', mid: 'm_postback-1' } };
    const reaction = { sender: { id: psid }, recipient: { id: page.id }, timestamp: 1764000002000, reaction: { reaction: 'love', emoji: '❤', action: 'react', mid: 'm_inbound-1' } };
    expect((await fake.deliver(`${app.url}/facebook`, pageWebhook(postback, reaction))).status).toBe(200);
    const postbackId = messageId(fbChannel, 'm_postback-1');
    await routed(postbackId);
    expect(messages.find((m) => m.id === postbackId)!.headers).toEqual({ 'postback.payload': 'HUMAN', 'postback.title': 'Talk to a human' });
    await waitFor(async () => factsOf('message', messageId(fbChannel, 'm_inbound-1'))['reaction.emoji'] === '❤', { timeoutMs: 10_000, description: 'reaction metadata' });
    expect(factsOf('message', messageId(fbChannel, 'm_inbound-1'))).toMatchObject({ 'reaction.action': 'react', 'reaction.sent_at': '1764000002000' });
    expect(factsOf('message', postbackId)).toMatchObject({ 'postback.payload': 'HUMAN' });
  });

  it('Instagram: connect with the page token, a DM becomes a message with the profile’s name, a reply goes through /me/messages; its echo adds nothing, other senders’ echoes are messages', async () => {
    const igChannel = metaChannelId('instagram', igAccount);
    const igConversation = conversationId(igChannel, igsid);
    expect((await call('channels.instagram.connect', { page_id: page.id, page_token: page.token, account_id: igAccount, name: 'IG' })).body).toMatchObject({ id: igChannel, source: 'instagram', source_channel_id: igAccount, connected: true });
    const dm = { object: 'instagram', entry: [{ id: igAccount, time: Date.now(), messaging: [{ sender: { id: igsid }, recipient: { id: igAccount }, timestamp: 1764000003000, message: { mid: 'aWdfZAG1fakeIGmid', text: 'is this in stock?' } }] }] };
    expect((await fake.deliver(`${app.url}/facebook`, dm)).status).toBe(200);
    await routed(messageId(igChannel, 'aWdfZAG1fakeIGmid'));
    expect(messages.find((m) => m.id === messageId(igChannel, 'aWdfZAG1fakeIGmid'))).toMatchObject({ conversationId: igConversation, source: 'instagram', senderId: igsid, isFromContact: true });
    await waitFor(async () => factsOf('conversation', igConversation)['contact.display_name'] === 'Ada Lovelace', { timeoutMs: 10_000, description: 'Instagram profile' });
    expect(fake.received.find((r) => r.path === `/v25.0/${igsid}`)!.query.get('fields')).toBe('name,profile_pic');
    await writer.writeMessage(pending('ig-reply-1', { text: 'Yes!' }, { conversationId: igConversation, channelId: igChannel, source: 'instagram' }));
    const reply = await final('ig-reply-1');
    expect(reply.deliveryState).toBe('DELIVERED');
    expect(fake.received.filter((r) => r.path === '/v25.0/me/messages').at(-1)!.body).toEqual({ recipient: { id: igsid }, messaging_type: 'RESPONSE', message: { text: 'Yes!' } });
    // Meta's Instagram echo of the reply (no app id, no metadata tag) came right after Graph's answer; echoes of
    // another app's send (app id 555) and of a reply typed in the Instagram app (no app id, a mid we never got)
    // routed after it (same conversation, same partition) show it added nothing while those two are messages.
    await fake.echoesDone();
    expect(fake.echoed.at(-1)).toBe(200);
    const echo = (mid: string, extra: object) => ({ sender: { id: igAccount }, recipient: { id: igsid }, timestamp: 1764000004000, message: { mid, text: 'not from here', is_echo: true, ...extra } });
    const others = { object: 'instagram', entry: [{ id: igAccount, time: Date.now(), messaging: [echo('aWdfZAG1otherApp', { app_id: 555 }), echo('aWdfZAG1inboxReply', {})] }] };
    expect((await fake.deliver(`${app.url}/facebook`, others)).status).toBe(200);
    await routed(messageId(igChannel, 'aWdfZAG1inboxReply'));
    const pageMessages = messages.filter((m) => m.conversationId === igConversation && !m.isFromContact && m.id !== 'ig-reply-1');
    expect(pageMessages.map((m) => [m.id, m.senderId])).toEqual([[messageId(igChannel, 'aWdfZAG1otherApp'), '555'], [messageId(igChannel, 'aWdfZAG1inboxReply'), igAccount]]);
    expect(messages.some((m) => m.id === messageId(igChannel, reply.headers!['source.id']!))).toBe(false);
  });

  it('writes FAILED with the Graph error when Meta refuses the send', async () => {
    const blocked = conversationId(fbChannel, FakeGraph.blockedUser);
    await writer.writeMessage(pending('reply-blocked', { text: 'anyone?' }, { conversationId: blocked, sourceRecipientId: FakeGraph.blockedUser }));
    expect((await final('reply-blocked')).deliveryState).toBe('FAILED');
    await waitFor(async () => factsOf('message', 'reply-blocked').error !== undefined, { timeoutMs: 10_000, description: 'error metadata' });
    expect(factsOf('message', 'reply-blocked').error).toBe("Graph API refused the message (HTTP 400, code 551/1545041): (#551) This person isn't available right now.");
    expect(JSON.parse(factsOf('message', 'reply-blocked')['source.error']!)).toMatchObject({ error: { type: 'OAuthException', code: 551 } });
  });

  it('WhatsApp Cloud: inbound message with the contact’s name, reply DELIVERED with the wamid, its status as metadata, an error FAILED', async () => {
    const inbound = {
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: waContact }],
        messages: [{ from: waContact, id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=', timestamp: '1749416383', type: 'text', text: { body: 'Does it come in another color?' } }],
      } }] }],
    };
    expect((await fake.deliver(`${app.url}/whatsapp`, inbound, 'bad')).status).toBe(403);
    expect((await fake.deliver(`${app.url}/whatsapp`, inbound)).status).toBe(200);
    const inboundId = messageId(waChannel, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=');
    await routed(inboundId);
    expect(messages.find((m) => m.id === inboundId)).toMatchObject({ conversationId: waConversation, source: 'whatsapp', senderId: waContact, isFromContact: true, sentAt: 1749416383000 });
    await waitFor(async () => factsOf('conversation', waConversation)['contact.display_name'] === 'Sheena Nelson', { timeoutMs: 10_000, description: 'WhatsApp display name' });

    const reply = pending('wa-reply-1', { text: 'Yes, in blue.' }, { conversationId: waConversation, channelId: waChannel, source: 'whatsapp' });
    await writer.writeMessage(reply);
    const delivered = await final('wa-reply-1');
    expect(delivered.deliveryState).toBe('DELIVERED');
    const request = fake.received.find((r) => r.path === `/v25.0/${phoneNumberId}/messages`)!;
    expect(request.authorization).toBe(`Bearer ${whatsappToken}`);
    expect(request.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: waContact, type: 'text', text: { body: 'Yes, in blue.' } });
    const wamid = delivered.headers!['source.id']!;
    expect(wamid).toMatch(/^wamid\./);
    const status = { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
      statuses: [{ id: wamid, status: 'delivered', timestamp: '1749416400', recipient_id: waContact }],
    } }] }] };
    expect((await fake.deliver(`${app.url}/whatsapp`, status)).status).toBe(200);
    await waitFor(async () => factsOf('message', 'wa-reply-1')['source.delivery_state'] === 'delivered', { timeoutMs: 20_000, description: 'WhatsApp status metadata' });

    const invalid = conversationId(waChannel, FakeGraph.invalidWhatsApp);
    await writer.writeMessage(pending('wa-reply-bad', { text: 'hello?' }, { conversationId: invalid, channelId: waChannel, source: 'whatsapp', sourceRecipientId: FakeGraph.invalidWhatsApp }));
    expect((await final('wa-reply-bad')).deliveryState).toBe('FAILED');
    await waitFor(async () => factsOf('message', 'wa-reply-bad').error !== undefined, { timeoutMs: 10_000, description: 'WhatsApp error metadata' });
    expect(factsOf('message', 'wa-reply-bad').error).toBe('Graph API refused the message (HTTP 400, code 131030): (#131030) Recipient phone number not in allowed list');
  });

  it('retries throttling and 5xx answers a bounded number of times, then FAILED with the last error; a stale message FAILED without a call', async () => {
    const to = (recipient: string) => ({ conversationId: conversationId(fbChannel, recipient), sourceRecipientId: recipient });
    const sends = (recipient: string) => fake.received.filter((r) => r.path === '/v25.0/me/messages' && (r.body?.recipient as { id?: string } | undefined)?.id === recipient).length;
    const staleRecipient = '9000000000000005';
    await writer.writeMessage(pending('reply-stale', { text: 'too late' }, { ...to(staleRecipient), sentAt: Date.now() - 10 * 60_000 }));
    await writer.writeMessage(pending('reply-throttled', { text: 'once throttled' }, to(FakeGraph.throttledOnce)));
    await writer.writeMessage(pending('reply-rate-limited', { text: 'always throttled' }, to(FakeGraph.rateLimited)));
    await writer.writeMessage(pending('reply-unavailable', { text: 'Graph down' }, to(FakeGraph.unavailable)));
    const outcomes = await Promise.all(['reply-stale', 'reply-throttled', 'reply-rate-limited', 'reply-unavailable'].map(final));
    expect(outcomes.map((m) => m.deliveryState)).toEqual(['FAILED', 'DELIVERED', 'FAILED', 'FAILED']);
    expect(outcomes[1]!.headers!['source.id']).toMatch(/^m_/);
    await waitFor(async () => ['reply-stale', 'reply-rate-limited', 'reply-unavailable'].every((id) => factsOf('message', id).error !== undefined), { timeoutMs: 10_000, description: 'error metadata' });
    expect(factsOf('message', 'reply-stale').error).toBe('not sent: pending for more than 300 s (stale)');
    expect(factsOf('message', 'reply-rate-limited').error).toBe('Graph API refused the message (HTTP 429, code 613): (#613) Calls to this api have exceeded the rate limit. (gave up after 3 attempts)');
    expect(JSON.parse(factsOf('message', 'reply-rate-limited')['source.error']!)).toMatchObject({ error: { type: 'OAuthException', code: 613 } });
    expect(factsOf('message', 'reply-unavailable').error).toBe('Graph API refused the message (HTTP 503): HTTP 503 without a Graph error body (gave up after 3 attempts)');
    expect([staleRecipient, FakeGraph.throttledOnce, FakeGraph.rateLimited, FakeGraph.unavailable].map(sends)).toEqual([0, 2, 3, 3]);
  });

  it('stops ingestion and sending once a channel is disconnected', async () => {
    expect((await call('channels.facebook.disconnect', { channel_id: fbChannel })).body).toMatchObject({ id: fbChannel, connected: false });
    expect((await fake.deliver(`${app.url}/facebook`, pageWebhook(fromContact('m_after', 'anyone?')))).status).toBe(403);
    const calls = fake.received.length;
    await writer.writeMessage(pending('reply-closed', { text: 'closed' }));
    expect((await final('reply-closed')).deliveryState).toBe('FAILED');
    expect(fake.received.length).toBe(calls);
  });
  it('replays both raw topics after a router reset (new application version) into identical messages, sending nothing again', async () => {
    const igChannel = metaChannelId('instagram', igAccount);
    const inboundIds = [
      ...['m_inbound-1', 'm_inbound-2', 'm_postback-1', 'm_other-app'].map((mid) => messageId(fbChannel, mid)),
      ...['aWdfZAG1fakeIGmid', 'aWdfZAG1otherApp', 'aWdfZAG1inboxReply'].map((mid) => messageId(igChannel, mid)),
      messageId(waChannel, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA='),
    ];
    const original = inboundIds.map((id) => messages.filter((m) => m.id === id));
    expect(original.map((copies) => copies.length)).toEqual(inboundIds.map(() => 1));
    const sends = fake.received.filter((r) => r.method === 'POST').length;
    await app.close();
    const rawTopics = await Promise.all(
      [[FACEBOOK_RAW_TOPIC, `${namespace}.meta-v2`], [WHATSAPP_RAW_TOPIC, `${namespace}.meta-whatsapp-v2`]].map(async ([name, group]) => {
        const raw = topicName(allTopics.find((t) => t.name === name)!, namespace);
        return { raw, group: group!, end: await admin.fetchTopicOffsets(raw) };
      }),
    );
    const mark = messages.length;

    app = await startApp(2);
    const committed = async (groupId: string, topic: string, partition: number) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return Number(offsets!.partitions.find((c) => c.partition === partition)?.offset ?? -1);
    };
    for (const { raw, group, end } of rawTopics) {
      await waitFor(async () => (await Promise.all(end.filter((p) => p.high !== '0').map(async (p) => (await committed(group, raw, p.partition)) >= Number(p.high)))).every(Boolean), { timeoutMs: 30_000, description: `${group} through ${raw}` });
    }
    // A sentinel per conversation of the history: once version 2 and this spec's reader are past them, both saw every earlier record.
    for (const [i, id] of [fbConversation, conversationId(igChannel, igsid), waConversation].entries()) {
      const sentinel: Message = { ...pending(`sentinel-${i}`, { text: 'end' }, { conversationId: id }), source: 'chatplugin', isFromContact: true, deliveryState: 'DELIVERED' };
      const position = await writer.writeMessage(sentinel);
      for (const { group } of rawTopics) {
        await waitFor(async () => (await committed(group, topics.messages, position.partition)) > Number(position.offset), { timeoutMs: 30_000, description: `${group} past the messages topic` });
      }
      await waitFor(async () => messages.slice(mark).some((m) => m.id === sentinel.id), { timeoutMs: 20_000, description: 'sentinel read back' });
    }
    // Known limit (README): the echo of our Instagram reply carries no app id or tag, and version 2 has no memory of
    // the send; it is dropped only when version 2 read the reply's DELIVERED record (messages topic) before the echo
    // (raw topic), an order the engine does not fix. Either outcome is allowed for that one id, nothing else.
    const ourInstagramEcho = messageId(igChannel, messages.find((m) => m.id === 'ig-reply-1' && m.deliveryState === 'DELIVERED')!.headers!['source.id']!);
    const replayed = messages.slice(mark).filter((m) => m.source !== 'chatplugin' && m.id !== ourInstagramEcho);
    expect(replayed.map((m) => m.id).sort()).toEqual([...inboundIds].sort());
    expect(inboundIds.map((id) => replayed.find((m) => m.id === id))).toEqual(original.map((copies) => copies[0]));
    expect(fake.received.filter((r) => r.method === 'POST').length).toBe(sends);
  });
});
