import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Admin } from 'kafkajs';
import { getExpectedTwilioSignature } from 'twilio';
import { conversationId } from '@platform/chat-domain';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { ApiClient } from './support/api';
import { LocalActionEndpoint, LocalGraph, LocalTwilio, type ProviderCall } from './support/connector-providers';
import { startApp, tempDir, type AppProcess } from './support/processes';
import { loadResponseCheck, type ResponseCheck } from './support/response-check';

/**
 * Connectors as processes (communication, twilio, sources, meta) against local providers:
 * - `messages.send` with `channel_id` + `source_recipient_id` starts a conversation (202) that the
 *   connector delivers, and the recipient's answer lands in that same conversation;
 * - kill -9 of a connector while its sends are in flight loses nothing: after the restart every message
 *   ends DELIVERED (none left PENDING), and the provider calls repeated are counted: Twilio has no
 *   idempotency key (each interrupted send reaches Twilio twice), the action endpoint deduplicates on the
 *   kit's `Idempotency-Key` (nothing reaches a user twice), Graph's Send API has none either (each interrupted
 *   Messenger send reaches Graph twice) and Meta's echoes of both copies add no message.
 */
const BATCH = 5;
const publicUrl = 'https://hooks.example.com/platform';
const ourNumber = '+15551230000';

interface Message {
  id: string;
  conversation_id: string;
  delivery_state: 'pending' | 'delivered' | 'failed';
  from_contact: boolean;
  content: unknown;
}

describe('connectors: new conversations and kill -9 mid-send', () => {
  let admin: Admin;
  let env: Record<string, string>;
  const dirs: string[] = [];
  const running = new Set<AppProcess>();
  let communication: AppProcess;
  let twilioApp: AppProcess;
  let sourcesApp: AppProcess;
  let metaApp: AppProcess;
  let agent: ApiClient;
  let check: ResponseCheck;
  const twilio = new LocalTwilio(`AC${'a1'.repeat(16)}`, randomBytes(16).toString('hex'));
  const actions = new LocalActionEndpoint();
  const graph = new LocalGraph('100200300', `EAAG${randomBytes(24).toString('base64url')}`, randomBytes(16).toString('hex'), '1234567890');

  const start = async (name: string, stateDir: string, extra: Record<string, string> = {}, port?: number) => {
    const app = await startApp(name, { ...env, ...extra, STATE_DIR: stateDir }, port === undefined ? {} : { port });
    running.add(app);
    return app;
  };
  const newDir = (name: string) => {
    const dir = tempDir(`e2e-connectors-${name}-`);
    dirs.push(dir);
    return dir;
  };
  const twilioEnv = () => ({ TWILIO_PUBLIC_URL: publicUrl, TWILIO_API_BASE_URL: twilio.url, TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken });
  const metaKey = randomBytes(32).toString('base64');
  const metaConfig = () => ({ META_APP_SECRET: graph.appSecret, META_APP_ID: graph.appId, META_GRAPH_BASE_URL: graph.url, META_CREDENTIALS_KEYS: `k1:${metaKey}` });

  beforeAll(async () => {
    admin = newKafka('e2e-connectors').admin();
    await admin.connect();
    const namespace = uniqueName('e2e-connectors');
    await applyTopics(admin, allTopics, { namespace });
    await Promise.all([twilio.start(), actions.start('/actions'), graph.start()]);
    env = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      TOPICS_NAMESPACE: namespace,
      AUTH_SYSTEM_TOKEN: randomBytes(24).toString('base64url'),
      AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
      SOURCES_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      STREAMS_COMMIT_INTERVAL_MS: '100',
      // the restarted connector rejoins its group without waiting 30 s for the killed member to time out
      STREAMS_SESSION_TIMEOUT_MS: '6000',
    };
    [communication, twilioApp, sourcesApp, metaApp] = await Promise.all([
      start('communication', newDir('communication')),
      start('twilio', newDir('twilio'), twilioEnv()),
      start('sources', newDir('sources')),
      start('meta', newDir('meta'), metaConfig()),
    ]);
    graph.echoTo = `${metaApp.url}/facebook`;
    check = await loadResponseCheck(communication.url);
    agent = new ApiClient(communication.url, env.AUTH_SYSTEM_TOKEN, check);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...running].map((app) => app.stop()));
    await Promise.all([twilio.close(), actions.close(), graph.close()]);
    await admin?.disconnect();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Sends BATCH messages (to new conversations: `channel_id` + `source_recipient_id`, 202; or to existing ones:
   * `conversation_id`, 200), kills the connector once all are at the provider, restarts it on its state (on the
   * same port with `samePort`), and waits for every outcome.
   */
  async function killMidSend(options: {
    name: 'twilio' | 'sources' | 'meta';
    app: AppProcess;
    provider: LocalTwilio | LocalActionEndpoint | LocalGraph;
    extraEnv: Record<string, string>;
    target: (i: number) => { channel_id: string; source_recipient_id: string } | { conversation_id: string };
    content: (text: string) => unknown;
    samePort?: boolean;
  }): Promise<{ sent: Message[]; final: Message[]; calls: ProviderCall[]; restarted: AppProcess }> {
    const { provider } = options;
    const before = provider.calls.length;
    provider.delayMs = 60_000;
    const sent = await Promise.all(
      Array.from({ length: BATCH }, async (_, i) => {
        const target = options.target(i);
        const answer = await agent.post<Message>('messages.send', { ...target, message: options.content(`${options.name} ${i}`) });
        expect(answer.status).toBe('conversation_id' in target ? 200 : 202);
        expect(check('messages.send', answer.status, answer.body)).toBeUndefined();
        return answer.body;
      }),
    );
    await waitFor(async () => provider.calls.length - before >= BATCH, { timeoutMs: 20_000, description: `${options.name}: all ${BATCH} sends at the provider` });
    await options.app.kill9();
    running.delete(options.app);
    const pending = await Promise.all(sent.map((m) => finalState(m)));
    expect(pending.map((m) => m.delivery_state)).toEqual(sent.map(() => 'pending'));
    provider.delayMs = 0;
    const restarted = await start(options.name, options.app.env.STATE_DIR!, options.extraEnv, options.samePort ? options.app.port : undefined);
    let final: Message[] = [];
    await waitFor(
      async () => {
        final = await Promise.all(sent.map((m) => finalState(m)));
        return final.every((m) => m.delivery_state !== 'pending');
      },
      { timeoutMs: 30_000, description: `${options.name}: every message DELIVERED or FAILED after the restart` },
    );
    return { sent, final, calls: provider.calls.slice(before), restarted };
  }

  /** The message as communication's messages.list shows it. */
  async function finalState(message: Message): Promise<Message> {
    const list = await agent.ok<{ data: Message[] }>('messages.list', { conversation_id: message.conversation_id, page_size: 10 });
    const found = list.data.find((m) => m.id === message.id);
    if (!found) throw new Error(`message ${message.id} missing from its conversation`);
    return found;
  }

  const repeatsOf = (calls: readonly ProviderCall[]) => {
    const times = new Map<string, number>();
    for (const call of calls) times.set(call.text, (times.get(call.text) ?? 0) + 1);
    return [...times.values()].reduce((sum, n) => sum + n - 1, 0);
  };

  /** Twilio: each interrupted send is repeated once (no idempotency key at Twilio); the contact's answer lands in the started conversation; disconnected → 403. */
  async function twilioScenario(channel: { id: string }): Promise<void> {
    const app = twilioApp;
    const recipient = (i: number) => `+4915112340${String(i).padStart(3, '0')}`;
    const target = (i: number) => ({ channel_id: channel.id, source_recipient_id: recipient(i) });
    const { sent, final, calls, restarted } = await killMidSend({ name: 'twilio', app, provider: twilio, extraEnv: twilioEnv(), target, content: (text) => ({ Body: text }) });

    expect(final.map((m) => m.delivery_state)).toEqual(sent.map(() => 'delivered'));
    expect(calls.every((c) => c.authentic)).toBe(true);
    // every send was at Twilio when the process died and is made again after the restart
    expect(repeatsOf(calls)).toBe(BATCH);
    expect(new Set(calls.map((c) => c.recipient))).toEqual(new Set(sent.map((_, i) => recipient(i))));
    process.stdout.write(`connectors e2e: twilio kill -9 with ${BATCH} sends in flight: ${calls.length} provider calls, ${repeatsOf(calls)} repeated\n`);

    // The recipient answers: Twilio's signed webhook lands in the conversation messages.send started.
    const params = { ApiVersion: '2010-04-01', MessageSid: `SM${'0'.repeat(31)}1`, SmsSid: `SM${'0'.repeat(31)}1`, AccountSid: twilio.accountSid, From: recipient(0), To: ourNumber, Body: 'thanks!', NumMedia: '0' };
    const webhook = await fetch(`${restarted.url}/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(twilio.authToken, `${publicUrl}/twilio`, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(webhook.status).toBe(200);
    await waitFor(async () => (await agent.ok<{ data: Message[] }>('messages.list', { conversation_id: sent[0]!.conversation_id })).data.some((m) => m.from_contact), {
      timeoutMs: 20_000,
      description: 'the answer in the started conversation',
    });

    // WhatsApp through Twilio: the recipient is written as Twilio's From (`whatsapp:+…`, 400 otherwise); To and From carry the prefix
    const restartedApi = new ApiClient(restarted.url, env.AUTH_SYSTEM_TOKEN);
    const whatsapp = await restartedApi.ok<{ id: string }>('channels.twilio.whatsapp.connect', { phone_number: ourNumber, name: 'Support WA' });
    const unprefixed = await agent.post<{ message: string }>('messages.send', { channel_id: whatsapp.id, source_recipient_id: '+4915112349999', message: { Body: 'hola' } });
    expect(unprefixed.status).toBe(400);
    expect(unprefixed.body.message).toContain('whatsapp:+');
    const wa = await agent.post<Message>('messages.send', { channel_id: whatsapp.id, source_recipient_id: 'whatsapp:+4915112349999', message: { Body: 'hola' } });
    expect(wa.status).toBe(202);
    await waitFor(async () => (await finalState(wa.body)).delivery_state === 'delivered', { timeoutMs: 20_000, description: 'the WhatsApp message DELIVERED' });
    expect(twilio.calls.filter((c) => c.text === 'hola').map((c) => [c.recipient, c.from])).toEqual([['whatsapp:+4915112349999', `whatsapp:${ourNumber}`]]);

    // disconnecting stops sending: messages.send to the channel answers 403
    expect((await restartedApi.post('channels.twilio.sms.disconnect', { channel_id: channel.id })).status).toBe(200);
    await waitFor(async () => (await agent.post('messages.send', { channel_id: channel.id, source_recipient_id: recipient(0), message: { Body: 'x' } })).status === 403, {
      timeoutMs: 10_000,
      description: '403 once disconnected',
    });
  }

  /** Sources API: repeated calls carry the same Idempotency-Key, so nothing reaches a user twice; the answer lands in the started conversation. */
  async function sourcesScenario(created: { token: string }, channel: { id: string }): Promise<void> {
    const app = sourcesApp;
    const recipient = (i: number) => `user-${i}`;
    const target = (i: number) => ({ channel_id: channel.id, source_recipient_id: recipient(i) });
    const { sent, final, calls, restarted } = await killMidSend({ name: 'sources', app, provider: actions, extraEnv: {}, target, content: (text) => ({ text }) });

    expect(final.map((m) => m.delivery_state)).toEqual(sent.map(() => 'delivered'));
    expect(calls.every((c) => c.authentic)).toBe(true);
    const keys = new Map<string, ProviderCall[]>();
    for (const call of calls) keys.set(call.idempotencyKey!, [...(keys.get(call.idempotencyKey!) ?? []), call]);
    // each message has one key, sent again unchanged after the restart, answered with the first id
    expect(keys.size).toBe(BATCH);
    expect([...keys.values()].every((same) => same.length === 2 && same[0]!.text === same[1]!.text && same[0]!.providerId === same[1]!.providerId)).toBe(true);
    expect(actions.deliveries).toBe(BATCH);
    process.stdout.write(`connectors e2e: sources kill -9 with ${BATCH} sends in flight: ${calls.length} calls, ${repeatsOf(calls)} repeated with the same Idempotency-Key, ${actions.deliveries} delivered\n`);

    const sourceAfter = new ApiClient(restarted.url, created.token);
    const answer = {
      source_message_id: 'in-1', source_conversation_id: recipient(0), source_channel_id: 'bot-1', source_sender_id: recipient(0), content: { text: 'thanks!' }, from_contact: true, sent_at: Date.now(),
    };
    expect((await sourceAfter.post('sources.webhook', { messages: [answer] })).status).toBe(200);
    await waitFor(async () => (await agent.ok<{ data: Message[] }>('messages.list', { conversation_id: sent[0]!.conversation_id })).data.some((m) => m.from_contact), {
      timeoutMs: 20_000,
      description: 'the answer in the started conversation',
    });
  }

  /**
   * Meta (Messenger): a page cannot start conversations, so each contact writes first (signed webhook); the
   * replies are sent to those conversations. Graph has no idempotency key: each interrupted send reaches Graph
   * twice (the person gets it twice); Meta's echoes of every copy (our app id, our metadata tag) add no message.
   */
  async function metaScenario(channel: { id: string }): Promise<void> {
    const app = metaApp;
    const psid = (i: number) => `60000000000000${String(i).padStart(2, '0')}`;
    const conversations = Array.from({ length: BATCH }, (_, i) => conversationId(channel.id, psid(i)));
    const listed = async (conversation: string) => {
      const answer = await agent.post<{ data: Message[] }>('messages.list', { conversation_id: conversation, page_size: 10 });
      return answer.status === 200 ? answer.body.data : [];
    };
    const inbound = await Promise.all(conversations.map((_, i) => graph.deliver(`${app.url}/facebook`, graph.contactMessage(psid(i), `m_contact-${i}`, `hello ${i}`))));
    expect(inbound).toEqual(conversations.map(() => 200));
    await waitFor(async () => (await Promise.all(conversations.map(listed))).every((messages) => messages.some((m) => m.from_contact)), {
      timeoutMs: 20_000,
      description: 'meta: the contacts’ messages in their conversations',
    });

    const target = (i: number) => ({ conversation_id: conversations[i]! });
    const { sent, final, calls, restarted } = await killMidSend({ name: 'meta', app, provider: graph, extraEnv: metaConfig(), target, content: (text) => ({ text }), samePort: true });

    expect(final.map((m) => m.delivery_state)).toEqual(sent.map(() => 'delivered'));
    expect(calls.every((c) => c.authentic)).toBe(true);
    // every send was at Graph when the process died and is made again after the restart (no idempotency key)
    expect(repeatsOf(calls)).toBe(BATCH);
    expect(new Set(calls.map((c) => c.recipient))).toEqual(new Set(conversations.map((_, i) => psid(i))));

    // Meta's echoes of both copies of each send: once they are in, a later message of each contact routed after
    // them (same conversation, same partition) shows that they added nothing.
    await graph.echoesDone();
    const answers = await Promise.all(conversations.map((_, i) => graph.deliver(`${restarted.url}/facebook`, graph.contactMessage(psid(i), `m_answer-${i}`, 'thanks!'))));
    expect(answers).toEqual(conversations.map(() => 200));
    let histories: Message[][] = [];
    await waitFor(
      async () => {
        histories = await Promise.all(conversations.map(listed));
        return histories.every((messages) => messages.filter((m) => m.from_contact).length === 2);
      },
      { timeoutMs: 20_000, description: 'meta: the answers in their conversations' },
    );
    expect(histories.map((messages) => messages.filter((m) => !m.from_contact).map((m) => m.id))).toEqual(sent.map((m) => [m.id]));
    const accepted = graph.echoed.filter((status) => status === 200).length;
    process.stdout.write(
      `connectors e2e: meta kill -9 with ${BATCH} sends in flight: ${calls.length} Graph calls, ${repeatsOf(calls)} repeated; ${graph.echoed.length} echoes (${accepted} accepted, ${graph.echoed.length - accepted} refused or unreachable while down), no message from them\n`,
    );

    // conversations.refetch with two replicas: each conversation asked at both; only one runs its task (the contact's
    // PSID is there), so every 202 of the other is its owner's answer, forwarded. Each is one profile fetch at Graph.
    const replica = await start('meta', newDir('meta-replica'), metaConfig());
    const replicas = [restarted, replica].map((p) => new ApiClient(p.url, env.AUTH_SYSTEM_TOKEN));
    const fetched = graph.profiles.length;
    const refetched = await Promise.all(
      conversations.map(async (conversation) => {
        const statuses: number[] = [];
        for (const api of replicas) {
          let status = 0;
          // 503 + Retry-After while the group rebalances for the new replica or a moved task restores
          await waitFor(async () => (status = (await api.post('conversations.refetch', { conversation_id: conversation })).status) !== 503, { timeoutMs: 20_000, description: 'refetch past the rebalance' });
          statuses.push(status);
        }
        return statuses;
      }),
    );
    expect(refetched).toEqual(conversations.map(() => [202, 202]));
    await waitFor(async () => graph.profiles.length >= fetched + 2 * BATCH, { timeoutMs: 10_000, description: 'meta: the refetched profiles' });
    expect(graph.profiles.slice(fetched).sort()).toEqual(conversations.flatMap((_, i) => [psid(i), psid(i)]).sort());
  }

  it(
    'messages.send to new conversations (202) delivered by twilio and sources, replies to Messenger conversations by meta; kill -9 of the three connectors mid-send → every message DELIVERED after the restart, none PENDING or lost; repeats counted; answers land in the started conversations',
    async () => {
      // One after the other: two apps registering a new subject's schema at the same moment can fail (see the report of #14).
      const twilioChannel = await new ApiClient(twilioApp.url, env.AUTH_SYSTEM_TOKEN).ok<{ id: string }>('channels.twilio.sms.connect', { phone_number: ourNumber, name: 'Support' });
      const created = await new ApiClient(sourcesApp.url, env.AUTH_SYSTEM_TOKEN).ok<{ token: string }>('sources.create', { source_id: 'my-bot', name: 'Bot', action_endpoint: actions.url });
      actions.token = created.token;
      const sourceChannel = await new ApiClient(sourcesApp.url, created.token).ok<{ id: string }>('sources.channels.create', { source_channel_id: 'bot-1', name: 'Bot' });
      const metaChannel = await new ApiClient(metaApp.url, env.AUTH_SYSTEM_TOKEN).ok<{ id: string }>('channels.facebook.connect', { page_id: graph.pageId, page_token: graph.pageToken, name: 'Support page' });
      await Promise.all([twilioScenario(twilioChannel), sourcesScenario(created, sourceChannel), metaScenario(metaChannel)]);
    },
    120_000,
  );
});
