import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { AvroConfluentSchema } from '@kafkajs/confluent-schema-registry/dist/@types';
import { kafkaBrokers, uniqueName } from '@platform/testing';
import { cacheDirFromEnv } from './cache-dir';
import { freePort } from './ports';
import { startRegistry, RegistryHandle } from './registry';
import { resolveRegistry } from './resolve';

const schema = (name: string): AvroConfluentSchema => ({
  type: SchemaType.AVRO,
  schema: JSON.stringify({ type: 'record', name, namespace: 'infra.restart', fields: [{ name: 'id', type: 'string' }] }),
});

// KafkaSQL keeps the registry's state in a Kafka topic, so a restarted registry must serve the same ids.
describe('Apicurio registry restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcp-registry-restart-'));
  let registry: RegistryHandle | undefined;

  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves identical ids after a restart on the same journal topic', async () => {
    const runtime = await resolveRegistry({ cacheDir: cacheDirFromEnv(process.env) });
    const options = { runtime, brokers: kafkaBrokers(), logDir: dir, journalTopic: uniqueName('kafkasql-journal') };
    registry = await startRegistry({ ...options, port: await freePort() });
    const subjects = [uniqueName('restart-a'), uniqueName('restart-b')];
    const client = new SchemaRegistry({ host: registry.url });
    const before = [await client.register(schema('A'), { subject: subjects[0] }), await client.register(schema('B'), { subject: subjects[1] })];
    await registry.stop();

    registry = await startRegistry({ ...options, port: await freePort() });
    const restarted = new SchemaRegistry({ host: registry.url });
    const after = await Promise.all(subjects.map((subject) => restarted.getLatestSchemaId(subject)));
    expect(after).toEqual(before.map((r) => r.id));
    expect(await restarted.getSchema(before[1].id)).toBeDefined();
  }, 240_000);
});
