import type { Admin, Kafka } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allTopics, applyTopics } from '@platform/topics';
import { newKafka, uniqueName, waitFor } from '@platform/testing';
import { ApiClient } from './support/api';
import { ChatLoad } from './support/chat-load';
import { buildApp, exited, freePort, startApp, tempDir, type AppProcess } from './support/processes';
import { appEnv } from './support/app-env';

const root = path.resolve(__dirname, '../..');
const CONVERSATIONS = 12;
const HISTORY_PER_CONVERSATION = 4;

/**
 * Issue #12's load test: the communication app run by the real `npm start` fleet (front proxy + control endpoint,
 * e2e/src/support/fleet-supervisor.mjs), the chat plugin and the gateway as processes, the admin CLI as a process
 * with its local driver. While 4 clients send messages and read conversations through the gateway,
 * `app reprocess communication` starts v2 beside v1, switches, and retires v1: no request fails, nothing written
 * is lost, v1's group and internal topics are gone.
 */
describe('app reprocess communication under load (local driver, apps as processes)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let namespace: string;
  let env: Record<string, string>;
  let supervisor: ChildProcess | undefined;
  let supervisorOutput = '';
  let chatplugin: AppProcess | undefined;
  let gateway: AppProcess | undefined;
  let agent: ApiClient;
  let frontUrl: string;
  const dir = tempDir('e2e-reprocess-');
  const controlFile = path.join(dir, 'supervisor.json');

  const setupStartedAt = Date.now();
  const phase = (what: string) => console.log(`${what} at +${Date.now() - setupStartedAt} ms`);

  beforeAll(async () => {
    kafka = newKafka('e2e-reprocess');
    admin = kafka.admin();
    await admin.connect();
    namespace = uniqueName('e2e-rp');
    await applyTopics(admin, allTopics, { namespace });
    env = appEnv(namespace);
    const systemToken = env.AUTH_SYSTEM_TOKEN!;
    const frontPort = await freePort();
    frontUrl = `http://127.0.0.1:${frontPort}`;
    buildApp('cli');
    phase('cli built');
    supervisor = spawn(process.execPath, [path.join(__dirname, 'support', 'fleet-supervisor.mjs'), controlFile, path.join(dir, 'state'), 'communication', String(frontPort), buildApp('communication')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (supervisorOutput = (supervisorOutput + chunk.toString('utf8')).slice(-30_000));
    supervisor.stdout?.on('data', keep);
    supervisor.stderr?.on('data', keep);
    // the chat plugin and the gateway start while communication v1 boots (the gateway needs no upstream to start)
    const chatpluginPort = await freePort();
    const [plugin, gw, v1] = await Promise.allSettled([
      startApp('chatplugin', { ...env, STATE_DIR: path.join(dir, 'chatplugin') }, { port: chatpluginPort }),
      startApp('gateway', { ...env, GATEWAY_ROUTES: JSON.stringify({ communication: frontUrl, chatplugin: `http://127.0.0.1:${chatpluginPort}` }) }),
      waitFor(async () => fs.existsSync(controlFile) && (await fetch(`${frontUrl}/health/ready`).catch(() => undefined))?.status === 200, {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: 'communication v1 ready behind its front proxy, the control file written',
      }),
    ]);
    // whatever started is stopped by afterAll, also when another start failed
    if (plugin.status === 'fulfilled') chatplugin = plugin.value;
    if (gw.status === 'fulfilled') gateway = gw.value;
    for (const started of [plugin, gw, v1]) if (started.status === 'rejected') throw new Error(`${String(started.reason)}\nsupervisor output:\n${supervisorOutput}`);
    if (!gateway) throw new Error('the gateway did not start');
    agent = new ApiClient(gateway.url, systemToken);
    phase('stack ready');
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    await chatplugin?.stop();
    if (supervisor) {
      const done = exited(supervisor);
      supervisor.kill('SIGTERM');
      const timer = setTimeout(() => supervisor?.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(timer);
    }
    await admin?.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** The admin CLI as a process (`node dist/apps/cli/main.js …`), its stderr notes time-stamped as they arrive. */
  const runCli = (argv: readonly string[]) => {
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'dist', 'apps', 'cli', 'main.js'), ...argv], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: env.KAFKA_BROKERS!, SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL!, TOPICS_NAMESPACE: namespace, CLI_DRIVER: 'local', SUPERVISOR_CONTROL_FILE: controlFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let partial = '';
    const notes: { at: number; line: string }[] = [];
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) notes.push({ at: Date.now(), line });
    });
    return { done: exited(child), notes, stdout: () => stdout };
  };

  it('switches to v2 with zero failed client requests, loses no message written before or during the switch, and retires v1', async () => {
    const channel = await agent.ok<{ id: string }>('channels.chatplugin.connect', { name: 'Website' });
    // tens of conversations, each started by a visitor, with a short history before the load
    const visitor = new ApiClient(gateway!.url);
    const conversations = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, i) => {
        const auth = await visitor.ok<{ token: string; conversation_id: string }>('chatplugin.authenticate', { channel_id: channel.id });
        await visitor.withToken(auth.token).ok('chatplugin.send', { message: { text: `visitor ${i}` } });
        await waitFor(async () => (await agent.post('conversations.info', { conversation_id: auth.conversation_id })).status === 200, { timeoutMs: 30_000, description: `conversation ${auth.conversation_id} known to communication` });
        return auth.conversation_id;
      }),
    );
    const load = new ChatLoad(agent, conversations);
    await Promise.all(conversations.map(async (id) => {
      for (let i = 0; i < HISTORY_PER_CONVERSATION; i++) await load.send(id, `history ${i}`);
    }));

    const v1 = `${namespace}.communication-v1`;
    const v1Internal = (topics: string[]) => topics.filter((t) => t.startsWith(`${v1}-`) && (t.endsWith('-changelog') || t.endsWith('-repartition')));
    expect(v1Internal(await admin.listTopics()).length).toBeGreaterThan(0);
    expect((await admin.describeGroups([v1])).groups[0]?.members.length).toBeGreaterThan(0);
    const v1State = path.join(dir, 'state', v1);
    expect(fs.existsSync(v1State)).toBe(true);

    phase('history written');
    load.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cliStartedAt = Date.now();
    const cli = runCli(['app', 'reprocess', 'communication', '--max-lag', '20', '--grace', '2s', '--timeout', '90s', '--yes', '--json']);
    const code = await cli.done;
    const cliEndedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await load.stop();

    const noteAt = (pattern: RegExp) => cli.notes.find((n) => pattern.test(n.line))?.at;
    const transcript = cli.notes.map((n) => `+${n.at - cliStartedAt} ms ${n.line}`).join('\n');
    expect({ code, stdout: cli.stdout(), transcript }).toMatchObject({ code: 0 });
    const result = JSON.parse(cli.stdout()) as { from: number; to: number; retired: boolean; lagAtSwitch: number; records: number; catchUpMs: number; deletedTopics: string[] };
    expect(result).toMatchObject({ from: 1, to: 2, retired: true });

    const switchFrom = noteAt(/^switching traffic/) ?? cliEndedAt;
    const switchTo = noteAt(/keeps running for/) ?? cliEndedAt;
    const retireFrom = noteAt(/^retiring/) ?? cliEndedAt;
    const window = (from: number, to: number) => JSON.stringify(load.counts(from, to));
    console.log(
      [
        `app reprocess communication: exit ${code} after ${cliEndedAt - cliStartedAt} ms; v2 read ${result.records} input records in ${result.catchUpMs} ms, lag ${result.lagAtSwitch} at the switch; v1's ${result.deletedTopics.length} internal topics deleted`,
        `CLI notes:\n${transcript}`,
        `requests, whole run:                  ${window(0, Number.POSITIVE_INFINITY)}`,
        `requests, during the reprocess:       ${window(cliStartedAt, cliEndedAt)}`,
        `requests, catch-up (before switch):   ${window(cliStartedAt, switchFrom)}`,
        `requests, switch (route + hand-over): ${window(switchFrom, switchTo)} (${switchTo - switchFrom} ms)`,
        `requests, switch ±2 s:                ${window(switchFrom - 2_000, switchTo + 2_000)}`,
        `requests, grace + retirement of v1:   ${window(switchTo, cliEndedAt)} (retirement from +${retireFrom - cliStartedAt} ms)`,
        `messages acknowledged: ${[...load.acknowledged.values()].reduce((n, s) => n + s.size, 0)} over ${conversations.length} conversations; reads with the position of the client's write that missed one of its messages: ${load.staleReads.length}`,
      ].join('\n'),
    );

    // zero failed client requests: no 5xx, no other error answer, no connection error or timeout
    expect(load.failures()).toEqual([]);
    // every read that carried the position of the client's last write listed that write, across the switch too
    expect(load.staleReads).toEqual([]);
    expect(load.counts(switchFrom - 2_000, switchTo + 2_000).total).toBeGreaterThan(0);

    // traffic is on v2, and a read after the switch lists every message acknowledged before and during it
    const instances = JSON.parse(fs.readFileSync(controlFile, 'utf8')) as { url: string; token: string };
    const fleet = (await (await fetch(`${instances.url}/instances?app=communication`, { headers: { authorization: `Bearer ${instances.token}` } })).json()) as { version: number; state: string; live: boolean }[];
    expect(fleet.map((i) => ({ version: i.version, state: i.state, live: i.live }))).toEqual([
      { version: 1, state: 'stopped', live: false },
      { version: 2, state: 'running', live: true },
    ]);
    for (const id of conversations) {
      const listed = await agent.ok<{ data: { id: string }[] }>('messages.list', { conversation_id: id, page_size: 1000 });
      const ids = new Set(listed.data.map((m) => m.id));
      expect({ conversation: id, missing: [...(load.acknowledged.get(id) ?? [])].filter((m) => !ids.has(m)) }).toEqual({ conversation: id, missing: [] });
    }

    // v1's consumer group and internal topics are gone after the grace period (its DLQ stays)
    expect(v1Internal(await admin.listTopics())).toEqual([]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(v1);
    expect(fs.existsSync(v1State)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'state', `${namespace}.communication-v2`))).toBe(true);
  }, 150_000);
});
