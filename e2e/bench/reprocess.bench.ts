/**
 * `app reprocess communication` on N chat messages (`npm run bench`, or `BENCH_FILTER=e2e/bench/reprocess`):
 * communication run by the real `npm start` fleet (front proxy + control endpoint, e2e/src/support/fleet-supervisor.mjs)
 * from its bundle, the admin CLI as a process with its local driver. N Avro messages (BENCH_REPROCESS_MESSAGES,
 * default 1,000,000, over BENCH_REPROCESS_CONVERSATIONS = 1,000 conversations) are written straight to the messages
 * topic; v1 catches up; then the CLI starts v2 beside it (a new group reading from the beginning, new changelogs),
 * waits until its lag is under --max-lag, switches and retires v1. Prints the CLI's own catch-up figure and the
 * command's wall time. apps/cli/bench/reprocess.bench.ts measures the same command on a one-store keyed count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import { chatTopics, withActualPartitions } from '@platform/chat-streams';
import { newKafka, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { buildApp, exited, freePort, tempDir } from '../src/support/processes';
import { produceMessages } from '../src/support/webhook-subscribers';
import { appEnv } from '../src/support/app-env';

const N = Number(process.env.BENCH_REPROCESS_MESSAGES ?? 1_000_000);
const CONVERSATIONS = Number(process.env.BENCH_REPROCESS_CONVERSATIONS ?? 1_000);
const root = path.resolve(__dirname, '../..');

/** Committed offsets of `group` on `topic` behind its end, summed over partitions. */
async function lag(admin: Admin, group: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
  const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((sum, e) => sum + Number(e.high) - Math.max(0, at.get(e.partition) ?? 0), 0);
}

async function main(): Promise<void> {
  const kafka = newKafka('reprocess-chat-bench');
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true });
  await Promise.all([admin.connect(), producer.connect()]);
  const namespace = uniqueName('rp-bench');
  const dir = tempDir('reprocess-bench-');
  const controlFile = path.join(dir, 'supervisor.json');
  let supervisor: ChildProcess | undefined;
  try {
    await applyTopics(admin, allTopics, { namespace });
    const topics = await withActualPartitions(chatTopics(namespace), admin);
    const perConversation = Math.ceil(N / CONVERSATIONS);
    const total = perConversation * CONVERSATIONS;
    let t = performance.now();
    await produceMessages(producer, topics, { conversations: CONVERSATIONS, perConversation, sentAt: Date.now() - 86_400_000, roundsPerBatch: Math.max(1, Math.floor(5_000 / CONVERSATIONS)) });
    const writeS = (performance.now() - t) / 1000;

    const env = appEnv(namespace, {
      // BENCH_CPU_PROF=<dir>: the supervisor runs both versions of communication with `node --cpu-prof` into <dir>.
      ...(process.env.BENCH_CPU_PROF ? { BENCH_CPU_PROF: process.env.BENCH_CPU_PROF } : {}),
    });
    const frontPort = await freePort();
    buildApp('cli');
    t = performance.now();
    supervisor = spawn(process.execPath, [path.join(root, 'e2e', 'src', 'support', 'fleet-supervisor.mjs'), controlFile, path.join(dir, 'state'), 'communication', String(frontPort), buildApp('communication')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(async () => fs.existsSync(controlFile) && (await fetch(`http://127.0.0.1:${frontPort}/health/ready`).catch(() => undefined))?.status === 200, { timeoutMs: 600_000, intervalMs: 500, description: 'communication v1 ready' });
    await waitFor(async () => (await lag(admin, `${namespace}.communication-v1`, topics.messages)) === 0, { timeoutMs: 1_800_000, intervalMs: 1000, description: 'v1 caught up' });
    const v1S = (performance.now() - t) / 1000;

    t = performance.now();
    const cli = spawn(process.execPath, [path.join(root, 'dist', 'apps', 'cli', 'main.js'), 'app', 'reprocess', 'communication', '--max-lag', '1000', '--grace', '2s', '--timeout', '1800s', '--yes', '--json'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: env.KAFKA_BROKERS, SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL, TOPICS_NAMESPACE: namespace, CLI_DRIVER: 'local', SUPERVISOR_CONTROL_FILE: controlFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    cli.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const code = await exited(cli);
    const cliS = (performance.now() - t) / 1000;
    if (code !== 0) throw new Error(`app reprocess exited ${code}: ${stdout}`);
    const result = JSON.parse(stdout) as { records: number; catchUpMs: number; lagAtSwitch: number; retired: boolean };

    console.log(`\napp reprocess communication (local driver, apps as processes): ${total} messages over ${CONVERSATIONS} conversations`);
    console.log('| messages | written in s | v1 start → caught up s | v2 catch-up s (CLI) | v2 records/s | lag at switch | whole command s | v1 retired |');
    console.log('|----------|--------------|------------------------|---------------------|--------------|---------------|-----------------|------------|');
    console.log(
      `| ${String(total).padStart(8)} | ${writeS.toFixed(1).padStart(12)} | ${v1S.toFixed(1).padStart(22)} | ${(result.catchUpMs / 1000).toFixed(1).padStart(19)} | ${Math.round(result.records / (result.catchUpMs / 1000)).toString().padStart(12)} | ${String(result.lagAtSwitch).padStart(13)} | ${cliS.toFixed(1).padStart(15)} | ${String(result.retired).padStart(10)} |`,
    );
    console.log('(v2 catch-up: from starting v2 until its lag was under --max-lag 1000, as the CLI reports it; the whole command adds the switch and a 2 s grace period)');
  } finally {
    if (supervisor) {
      const done = exited(supervisor);
      supervisor.kill('SIGTERM');
      await done;
    }
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
