import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from 'kafkajs';
import { kafkaBrokers, newKafka, registryUrl, uniqueName } from '@platform/testing';
import { namespacedTopicNames, parseChartTopics } from './chart-topics';
import { TOPICS_FILE } from './topics-file';
import { pollUntilDone, topicsMissingReason } from './wait';
import { workspaceRoot } from './testing/render';

const topicsFile = join(__dirname, '..', TOPICS_FILE);
const tsx = join(workspaceRoot, 'node_modules', '.bin', 'tsx');

/** Runs one of the image's tools (helm/images/tools/*.ts) as the container would, with its environment. */
function tool(name: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['--tsconfig', join(workspaceRoot, 'helm', 'tsconfig.json'), join(workspaceRoot, 'helm', 'images', 'tools', `${name}.ts`), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('image tools against the real broker and registry', () => {
  const namespace = uniqueName('helmtools');
  const wanted = namespacedTopicNames(parseChartTopics(readFileSync(topicsFile, 'utf8')), namespace);
  const env = { KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: registryUrl(), TOPICS_NAMESPACE: namespace, TOPICS_REPLICATION_FACTOR: '1', WAIT_TIMEOUT_SECONDS: '1' };
  let admin: Admin;

  beforeAll(async () => {
    admin = newKafka('helm-tools-spec').admin();
    await admin.connect();
  });

  afterAll(async () => {
    const existing = new Set(await admin.listTopics());
    const created = wanted.filter((t) => existing.has(t));
    if (created.length > 0) await admin.deleteTopics({ topics: created });
    await admin.disconnect();
  });

  it('wait kafka and wait registry succeed against live services; an unreachable broker fails after the timeout', async () => {
    expect(await tool('wait', ['kafka'], env)).toMatchObject({ code: 0 });
    expect(await tool('wait', ['registry'], env)).toMatchObject({ code: 0 });
    const down = await tool('wait', ['kafka'], { ...env, KAFKA_BROKERS: '127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.output).toMatch(/gave up after 1 s: Kafka at 127.0.0.1:1 is unreachable/);
  });

  it('wait topics fails while the topics are missing; the topics job creates them; then wait topics passes', async () => {
    expect(await topicsMissingReason(admin, wanted)).toBe(`${wanted.length} of ${wanted.length} topics missing (${wanted.slice(0, 5).join(', ')}, …)`);
    const before = await tool('wait', ['topics', topicsFile], env);
    expect(before.code).toBe(1);
    expect(before.output).toContain(`${wanted.length} of ${wanted.length} topics missing`);

    const job = await tool('apply-topics', [topicsFile], env);
    expect(job.code).toBe(0);
    expect(JSON.parse(job.output.trim().split('\n').pop() ?? '{}').created).toHaveLength(wanted.length);
    await pollUntilDone(() => topicsMissingReason(admin, wanted), { timeoutMs: 20_000, intervalMs: 200 });
    const meta = await admin.fetchTopicMetadata({ topics: [`${namespace}.application.communication.messages`] });
    expect(meta.topics[0].partitions).toHaveLength(10);

    expect(await tool('wait', ['topics', topicsFile], env)).toMatchObject({ code: 0 });
    // A second run changes nothing (idempotent).
    const again = await tool('apply-topics', [topicsFile], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.output.trim().split('\n').pop() ?? '{}').unchanged).toHaveLength(wanted.length);
  });

  it('the topics job refuses a list that is not what the image declares', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helm-topics-'));
    try {
      const stale = JSON.parse(readFileSync(topicsFile, 'utf8')) as { topics: { partitions: number }[] };
      stale.topics[0].partitions = 99;
      writeFileSync(join(dir, 'topics.json'), JSON.stringify(stale));
      const result = await tool('apply-topics', [join(dir, 'topics.json')], env);
      expect(result.code).toBe(1);
      expect(result.output).toContain("is not the topic list of this image's topics/");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
