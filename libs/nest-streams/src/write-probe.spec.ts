import { createServer, type AddressInfo } from 'node:net';
import type { Admin, KafkaConfig } from 'kafkajs';
import { createTopic, kafkaBrokers, newKafka, uniqueName } from '@platform/testing';
import { WriteProbe } from './write-probe';

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('WriteProbe', () => {
  const kafka: KafkaConfig = { clientId: 'write-probe-spec', brokers: kafkaBrokers() };
  let admin: Admin;
  const probes: WriteProbe[] = [];
  beforeAll(async () => {
    admin = newKafka('write-probe-spec').admin();
    await admin.connect();
  });
  afterAll(async () => {
    for (const probe of probes) await probe.stop();
    await admin.disconnect();
  });
  const probeOf = (options: ConstructorParameters<typeof WriteProbe>[0]) => {
    const probe = new WriteProbe(options);
    probes.push(probe);
    return probe;
  };

  it('is DOWN before its first probe, UP once the broker names a leader for every partition of the written topics', async () => {
    const topic = uniqueName('write-probe');
    await createTopic(admin, topic, { partitions: 3 });
    const probe = probeOf({ kafka, topics: [topic] });
    expect(probe.report()).toEqual({ status: 'DOWN', lastSuccessAgoMs: null, reason: 'not probed yet' });
    await probe.probe();
    expect(probe.report()).toMatchObject({ status: 'UP' });
    expect(probe.report().lastSuccessAgoMs).toBeGreaterThanOrEqual(0);
  });

  it('is DOWN, naming no address, when the broker does not answer', async () => {
    const port = await closedPort();
    const unreachable: KafkaConfig = { clientId: 'write-probe-down', brokers: [`127.0.0.1:${port}`] };
    const probe = probeOf({ kafka: unreachable, topics: ['anything'], timeoutMs: 5000 });
    await probe.probe();
    const report = probe.report();
    expect(report).toEqual({ status: 'DOWN', lastSuccessAgoMs: null, reason: 'the broker does not answer' });
    expect(JSON.stringify(report)).not.toContain(String(port));
  });

  it('becomes DOWN when its last success is older than two intervals plus a timeout', async () => {
    const topic = uniqueName('write-probe-stale');
    await createTopic(admin, topic, { partitions: 1 });
    let now = 1_000_000;
    const probe = probeOf({ kafka, topics: [topic], intervalMs: 1000, timeoutMs: 500, clock: () => now });
    await probe.probe();
    now += 2500;
    expect(probe.report()).toEqual({ status: 'UP', lastSuccessAgoMs: 2500 });
    now += 1;
    expect(probe.report()).toEqual({ status: 'DOWN', lastSuccessAgoMs: 2501, reason: 'the broker has not answered recently' });
  });

  it('probes periodically once started and stops cleanly', async () => {
    const topic = uniqueName('write-probe-loop');
    await createTopic(admin, topic, { partitions: 1 });
    const probe = probeOf({ kafka, topics: [topic], intervalMs: 50 });
    probe.start();
    const deadline = Date.now() + 20_000;
    while (probe.report().status !== 'UP' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(probe.report().status).toBe('UP');
    await probe.stop();
  });
});
