import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { FORWARDED_HEADER, POSITION_HEADER, formatPosition } from './answers';
import { startCountService, type CountService } from './__fixtures__/count-service';

describe('StreamsModule with two instances on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const services: CountService[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    kafka = newKafka('nest-streams-spec');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    for (const service of services.splice(0).reverse()) await service.nest.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nest-streams-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (appId: string, input: string, k: Kafka = kafka, beforeStart?: Parameters<typeof startCountService>[0]['beforeStart']) => {
    const service = await startCountService({ kafka: k, appId, input, stateDir: tempDir(), beforeStart });
    services.push(service);
    return service;
  };
  /** Produces one record per entry and returns the position (topic:partition:offset) of each key's last record. */
  const produce = async (topic: string, keys: readonly string[]) => {
    const last = new Map<string, string>();
    for (const key of keys) {
      const [meta] = await producer.send({ topic, messages: [{ key, value: 'x' }] });
      last.set(key, formatPosition({ topic, partition: meta!.partition, offset: meta!.baseOffset! }));
    }
    return last;
  };
  const get = (service: CountService, p: string, headers: Record<string, string> = {}) => fetch(`${service.url}${p}`, { headers });
  const ready = (service: CountService) => get(service, '/health/ready').then((r) => r.status === 200);
  /** Both members see a two-member assignment in which each runs tasks and advertises its endpoint. */
  const splitBetween = (a: CountService, b: CountService) =>
    [a, b].every((s) => {
      const members = s.app.allMetadata();
      return members.length === 2 && members.every((m) => m.tasks.length > 0 && m.endpoint) && s.app.localTasks().length > 0;
    });

  it('answers a query sent to the wrong instance through the owner, and a position read sees a write', async () => {
    const input = uniqueName('iq-in');
    const appId = uniqueName('iq-app');
    await createTopic(admin, input, { partitions: 4 });
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    const writes = keys.flatMap((key, i) => Array.from({ length: i + 1 }, () => key));
    const positions = await produce(input, writes);

    const a = await start(appId, input);
    const b = await start(appId, input);
    await waitFor(async () => (await ready(a)) && (await ready(b)) && splitBetween(a, b), {
      timeoutMs: 60_000,
      description: 'two ready instances sharing the tasks',
    });
    expect((await get(a, '/health/live')).status).toBe(200);

    for (const [i, key] of keys.entries()) {
      const owner = a.app.metadataForKey('counts', key)!;
      expect(b.app.metadataForKey('counts', key)).toMatchObject({ partition: owner.partition, taskId: owner.taskId, endpoint: owner.endpoint });
      const [wrong, right] = owner.endpoint === a.endpoint ? [b, a] : [a, b];
      expect(wrong.app.metadataForKey('counts', key)?.local).toBe(false);
      expect(await wrong.app.query('counts', key)).toMatchObject({ ok: false, reason: 'NOT_OWNER', owner: right.endpoint });

      // The position header makes the owner wait until the key's records are in its store.
      const response = await get(wrong, `/counts/${key}`, { [POSITION_HEADER]: positions.get(key)! });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ key, value: i + 1, servedBy: right.endpoint });
    }

    // Read-your-writes: a new record's offset as position, asked of the non-owner, sees the write.
    const key = keys[3]!;
    const position = (await produce(input, [key])).get(key)!;
    const owner = a.app.metadataForKey('counts', key)!;
    const wrong = owner.endpoint === a.endpoint ? b : a;
    const afterWrite = await get(wrong, `/counts/${key}`, { [POSITION_HEADER]: position });
    expect(afterWrite.status).toBe(200);
    expect(await afterWrite.json()).toMatchObject({ key, value: 5 });

    // A position on another partition of the input (another key's write) does not hold the read.
    const otherPartition = (owner.partition + 1) % 4;
    const unrelated = await get(wrong, `/counts/${key}`, { [POSITION_HEADER]: `${input}:${otherPartition}:999999999` });
    expect(unrelated.status).toBe(200);

    // Positions this application cannot have: 400 naming the problem at once (a wait would end in 503).
    const refused: [string, string][] = [
      ['not-a-position', 'expected topic:partition:offset'],
      [`${input}:0:1, ${input}:1:1`, 'one position only'],
      [`__consumer_offsets:0:999999999`, '__consumer_offsets is not an input topic of this service'],
      [`${input}:4:999999999`, `${input} has no partition 4`],
      [`${input}:0:9223372036854775808`, 'out of range'],
      [`${'x'.repeat(400)}:0:1`, 'longer than'],
    ];
    for (const [header, problem] of refused) {
      for (const service of [a, b]) {
        const response = await get(service, `/counts/${key}`, { [POSITION_HEADER]: header });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ message: expect.stringContaining(problem) });
      }
    }

    // A forwarded request is never forwarded again: the non-owner answers 503 itself.
    const loop = await get(wrong, `/counts/${key}`, { [FORWARDED_HEADER]: 'elsewhere:1' });
    expect(loop.status).toBe(503);
    expect(loop.headers.get('retry-after')).toBe('2');

    // runOnOwner: the non-owner hands the call to the owner, once; a forwarded call is not passed on again.
    const ran = await fetch(`${wrong.url}/counts/run/${key}`, { method: 'POST' });
    expect(ran.status).toBe(200);
    expect(await ran.json()).toEqual({ key, ranOn: owner.endpoint });
    const looped = await fetch(`${wrong.url}/counts/run/${key}`, { method: 'POST', headers: { [FORWARDED_HEADER]: 'elsewhere:1' } });
    expect(looped.status).toBe(503);

    // gatherList: either instance lists every key, each partition answered exactly once.
    for (const service of [a, b]) {
      const listed = await get(service, '/counts');
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual({ keys: [...keys].sort() });
    }

    // Unknown key on the owner: 404.
    expect((await get(wrong, '/counts/never-written')).status).toBe(404);

    const metrics = await get(a, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('count_service_up 1');
  });

  it('answers 503 with Retry-After while the owner restores the key, then the restored value', async () => {
    const input = uniqueName('iq-gated-in');
    const appId = uniqueName('iq-gated-app');
    await createTopic(admin, input, { partitions: 2 });
    const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
    const positions = await produce(input, keys.flatMap((k) => [k, k]));

    const a = await start(appId, input);
    for (const key of keys) {
      const position = positions.get(key)!.split(':');
      const result = await a.app.query('counts', key, {
        position: { topic: input, partition: Number(position[1]), offset: position[2]! },
        timeoutMs: 30_000,
      });
      expect(result).toMatchObject({ ok: true, value: 2 });
    }

    // The second instance's restore consumer waits at connect until the test opens the gate, so
    // the queries below run while its restoration is certainly in progress.
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gated = gatedRestore(newKafka('nest-streams-spec-b'), gate);
    const restoring = new Set<string>();
    let restoreStarted!: () => void;
    const started = new Promise<void>((resolve) => (restoreStarted = resolve));
    const b = await start(appId, input, gated, (app) =>
      app.on('restore.start', (p) => {
        restoring.add(p.taskId);
        restoreStarted();
      }),
    );
    await started;
    const key = keys.find((k) => restoring.has(b.app.metadataForKey('counts', k)!.taskId))!;
    expect(key).toBeDefined();

    const during = await get(b, `/counts/${key}`);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('2');
    expect(await during.json()).toMatchObject({ message: expect.stringContaining('restoring'), progress: { store: 'counts' } });
    const readiness = await get(b, '/health/ready');
    expect(readiness.status).toBe(503);
    expect(readiness.headers.get('retry-after')).toBe('2');
    expect((await get(b, '/health/live')).status).toBe(200);

    openGate();
    await waitFor(async () => (await ready(b)) && b.app.metadataForKey('counts', key)?.local, {
      timeoutMs: 60_000,
      description: 'the second instance ready and owning the key',
    });
    const after = await get(b, `/counts/${key}`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ key, value: 2, servedBy: b.endpoint });
  });
});

describe('StreamsModule health with an isolated task', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let service: CountService | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    kafka = newKafka('nest-streams-isolation-spec');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await service?.nest.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('lists the isolated task in the ready and writes answers, stays ready, and answers its keys 503 while the others serve', async () => {
    const input = uniqueName('iso-in');
    await createTopic(admin, input, { partitions: 2 });
    // Keys go where the default partitioner puts them, as the app's key lookups expect.
    const [stuckAt] = await producer.send({ topic: input, messages: [{ key: 'stuck', value: 'x' }, { key: 'stuck', value: 'poison' }] });
    let fine = '';
    for (let i = 0; fine === ''; i++) {
      const [at] = await producer.send({ topic: input, messages: [{ key: `fine-${i}`, value: 'x' }] });
      if (at!.partition !== stuckAt!.partition) fine = `fine-${i}`;
    }
    await producer.send({ topic: input, messages: [{ key: fine, value: 'x' }] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nest-streams-iso-'));
    service = await startCountService({ kafka, appId: uniqueName('iso-app'), input, stateDir: dir, failOn: 'poison' });
    const s = service;
    const health = async (p: string) => {
      const response = await fetch(`${s.url}${p}`);
      return { status: response.status, body: (await response.json()) as { isolatedTasks: { taskId: string; stage: string; topic: string; partition: number; offset: string }[] } };
    };
    await waitFor(async () => (await health('/health/ready')).body.isolatedTasks.length === 1, { timeoutMs: 60_000, description: 'one isolated task' });

    const ready = await health('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.isolatedTasks).toEqual([expect.objectContaining({ stage: 'processing', topic: input, partition: stuckAt!.partition, offset: String(BigInt(stuckAt!.baseOffset!) + 1n) })]);
    expect((await health('/health/writes')).body.isolatedTasks).toHaveLength(1);

    const stuckKeyTask = s.app.metadataForKey('counts', 'stuck')?.taskId;
    const fineKeyTask = s.app.metadataForKey('counts', fine)?.taskId;
    expect(ready.body.isolatedTasks[0]!.taskId).toBe(stuckKeyTask);
    expect(fineKeyTask).not.toBe(stuckKeyTask);
    await waitFor(async () => (await fetch(`${s.url}/counts/${fine}`)).status === 200, { timeoutMs: 30_000, description: 'the other task serving' });
    expect(await (await fetch(`${s.url}/counts/${fine}`)).json()).toMatchObject({ key: fine, value: 2 });
    const stuck = await fetch(`${s.url}/counts/stuck`);
    expect(stuck.status).toBe(503);
    expect(stuck.headers.get('retry-after')).toBe('2');
  });
});

/** The real client, except that restore consumers (`<app>-restore-<uuid>` groups) connect only once `gate` opens. */
function gatedRestore(kafka: Kafka, gate: Promise<void>): Kafka {
  const gated = Object.create(kafka) as Kafka;
  gated.consumer = (config) => {
    const consumer = kafka.consumer(config);
    if (/-restore-[0-9a-f-]{36}$/.test(config?.groupId ?? '')) {
      const connect = consumer.connect.bind(consumer);
      consumer.connect = async () => {
        await gate;
        await connect();
      };
    }
    return consumer;
  };
  return gated;
}
