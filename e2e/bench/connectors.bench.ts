/**
 * Connector ingestion figures on this machine (`BENCH_FILTER=connectors npm run bench`): communication,
 * twilio, sources, meta and chatplugin run as processes as in production, against the bench's broker
 * (Meta's Graph API is the e2e suite's LocalGraph). For each connector, a correctly signed inbound
 * webhook is posted to the app (Twilio: form body with `X-Twilio-Signature`; Sources API:
 * `sources.webhook` with the source token; Meta: a Messenger `messages` event with
 * `X-Hub-Signature-256`; chat plugin: `chatplugin.send` with a visitor token) and the time is taken from the POST until the
 * message is in communication's `messages.list` of its conversation (polled every 2 ms). Samples go
 * one at a time over `BENCH_CONTACTS` contacts (the first message of a contact creates its conversation).
 * Prints p50/p99/max of that latency and of the webhook answer alone.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getExpectedTwilioSignature } from 'twilio';
import { channelId, conversationId, messageId } from '@platform/chat-domain';
import { newKafka, uniqueName } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { ApiClient } from '../src/support/api';
import { LocalGraph } from '../src/support/connector-providers';
import { startApp, tempDir, type AppProcess } from '../src/support/processes';
import { appEnv } from '../src/support/app-env';

const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20);
const publicUrl = 'https://hooks.example.com/platform';
const ourNumber = '+15551230000';
const accountSid = `AC${'b2'.repeat(16)}`;
const authToken = randomBytes(16).toString('hex');

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface Figures {
  readonly visible: number[];
  readonly answered: number[];
}

/** Polls messages.list of `conversation` every 2 ms until `message` is in it. */
async function visible(communication: ApiClient, conversation: string, message: string): Promise<void> {
  for (;;) {
    const page = await communication.post<{ data?: { id: string }[] }>('messages.list', { conversation_id: conversation, page_size: 5 });
    if (page.status === 200 && page.body.data?.some((m) => m.id === message)) return;
    if (page.status !== 200 && page.status !== 404 && page.status !== 503) throw new Error(`messages.list answered ${page.status}: ${JSON.stringify(page.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function measure(post: (i: number) => Promise<{ status: number; conversation: string; message: string }>, communication: ApiClient): Promise<Figures> {
  const figures: Figures = { visible: [], answered: [] };
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const { status, conversation, message } = await post(i);
    figures.answered.push(performance.now() - started);
    if (status !== 200) throw new Error(`webhook ${i} answered ${status}`);
    await visible(communication, conversation, message);
    figures.visible.push(performance.now() - started);
  }
  figures.visible.sort((a, b) => a - b);
  figures.answered.sort((a, b) => a - b);
  return figures;
}

async function main(): Promise<void> {
  const admin = newKafka('connectors-bench').admin();
  await admin.connect();
  const namespace = uniqueName('bench-connectors');
  await applyTopics(admin, allTopics, { namespace });
  const graph = new LocalGraph('100200300', `EAAG${randomBytes(24).toString('base64url')}`, randomBytes(16).toString('hex'), '1234567890');
  await graph.start();
  const env = appEnv(namespace, {
    TWILIO_PUBLIC_URL: publicUrl,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    META_APP_SECRET: graph.appSecret,
    META_APP_ID: graph.appId,
    META_GRAPH_BASE_URL: graph.url,
    META_CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    // every visitor of the bench comes from this one address
    VISITOR_RATE_LIMIT_PER_ADDRESS: '10000000',
    VISITOR_RATE_LIMIT_PER_CHANNEL: '10000000',
  });
  const systemToken = env.AUTH_SYSTEM_TOKEN!;
  const dirs: string[] = [];
  const apps: AppProcess[] = [];
  try {
    for (const name of ['communication', 'twilio', 'sources', 'meta', 'chatplugin']) {
      const dir = tempDir(`bench-${name}-`);
      dirs.push(dir);
      apps.push(await startApp(name, { ...env, STATE_DIR: dir }));
    }
    const [communicationApp, twilioApp, sourcesApp, metaApp, chatpluginApp] = apps as [AppProcess, AppProcess, AppProcess, AppProcess, AppProcess];
    const communication = new ApiClient(communicationApp.url, systemToken);

    const twilioChannel = await new ApiClient(twilioApp.url, systemToken).ok<{ id: string }>('channels.twilio.sms.connect', { phone_number: ourNumber, name: 'Bench' });
    const run = randomBytes(4).toString('hex');
    const twilio = await measure(async (i) => {
      const sid = `SM${run}${String(i).padStart(24, '0')}`;
      const from = `+4915100000${String(i % CONTACTS).padStart(3, '0')}`;
      const params = { ApiVersion: '2010-04-01', MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, AccountSid: accountSid, From: from, To: ourNumber, Body: `bench ${i}`, NumMedia: '0', NumSegments: '1' };
      const response = await fetch(`${twilioApp.url}/twilio`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(authToken, `${publicUrl}/twilio`, params) },
        body: new URLSearchParams(params).toString(),
      });
      await response.text();
      return { status: response.status, conversation: conversationId(twilioChannel.id, from), message: messageId(twilioChannel.id, sid) };
    }, communication);

    const source = 'bench-bot';
    const created = await new ApiClient(sourcesApp.url, systemToken).ok<{ token: string }>('sources.create', { source_id: source, name: 'Bench bot' });
    const sourceApi = new ApiClient(sourcesApp.url, created.token);
    await sourceApi.ok('sources.channels.create', { source_channel_id: 'bot-1', name: 'Bench' });
    const sources = await measure(async (i) => {
      const contact = `user-${i % CONTACTS}`;
      const id = `${run}-${i}`;
      const answer = await sourceApi.post('sources.webhook', {
        messages: [{ source_message_id: id, source_conversation_id: contact, source_channel_id: 'bot-1', source_sender_id: contact, content: { text: `bench ${i}` }, from_contact: true, sent_at: Date.now() }],
      });
      return { status: answer.status, conversation: conversationId(channelId(source, 'bot-1'), contact), message: messageId(source, id) };
    }, communication);

    const page = await new ApiClient(metaApp.url, systemToken).ok<{ id: string }>('channels.facebook.connect', { page_id: graph.pageId, page_token: graph.pageToken, name: 'Bench page' });
    const meta = await measure(async (i) => {
      const psid = `7000000000000${String(i % CONTACTS).padStart(3, '0')}`;
      const mid = `m_${run}-${i}`;
      const status = await graph.deliver(`${metaApp.url}/facebook`, graph.contactMessage(psid, mid, `bench ${i}`));
      return { status, conversation: conversationId(page.id, psid), message: messageId(page.id, mid) };
    }, communication);

    const widget = await new ApiClient(chatpluginApp.url, systemToken).ok<{ id: string }>('channels.chatplugin.connect', { name: 'Bench widget' });
    const visitorApi = new ApiClient(chatpluginApp.url);
    const visitors = await Promise.all(
      Array.from({ length: CONTACTS }, () => visitorApi.ok<{ token: string; conversation_id: string }>('chatplugin.authenticate', { channel_id: widget.id })),
    );
    const chatplugin = await measure(async (i) => {
      const visitor = visitors[i % CONTACTS]!;
      const answer = await visitorApi.withToken(visitor.token).post<{ id: string }>('chatplugin.send', { message: { text: `bench ${i}` } });
      return { status: answer.status, conversation: visitor.conversation_id, message: answer.body.id };
    }, communication);

    const row = (name: string, f: readonly number[]) =>
      `| ${name.padEnd(44)} | ${percentile(f, 50).toFixed(1).padStart(6)} | ${percentile(f, 99).toFixed(1).padStart(6)} | ${f[f.length - 1]!.toFixed(1).padStart(7)} |`;
    console.log(`\nInbound webhook → message in communication's messages.list (${SAMPLES} webhooks each, one at a time, ${CONTACTS} contacts, polled every 2 ms)`);
    console.log('| connector / measure                          | p50 ms | p99 ms |  max ms |');
    console.log('|----------------------------------------------|--------|--------|---------|');
    console.log(row('twilio sms: signed webhook → visible', twilio.visible));
    console.log(row('twilio sms: webhook answered (200)', twilio.answered));
    console.log(row('sources: sources.webhook → visible', sources.visible));
    console.log(row('sources: sources.webhook answered (200)', sources.answered));
    console.log(row('meta messenger: signed webhook → visible', meta.visible));
    console.log(row('meta messenger: webhook answered (200)', meta.answered));
    console.log(row('chat plugin: chatplugin.send → visible', chatplugin.visible));
    console.log(row('chat plugin: chatplugin.send answered (200)', chatplugin.answered));
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await graph.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
