import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { AvroConfluentSchema } from '@kafkajs/confluent-schema-registry/dist/@types';
import { registryUrl, uniqueName } from '@platform/testing';

const avro = (fields: object[]): AvroConfluentSchema => ({
  type: SchemaType.AVRO,
  schema: JSON.stringify({ type: 'record', name: 'Thing', namespace: 'infra.test', fields }),
});
const v1 = avro([{ name: 'id', type: 'string' }]);
const v2Compatible = avro([
  { name: 'id', type: 'string' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
const v2Incompatible = avro([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'int' },
]);

const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
const getJson = async (path: string) => {
  const response = await fetch(`${registryUrl()}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

// Conformance of Apicurio's Confluent-compatible API with the client the platform uses.
describe('schema registry through @kafkajs/confluent-schema-registry', () => {
  const registry = () => new SchemaRegistry({ host: registryUrl() });

  it('registers a schema and decodes what was encoded with its id', async () => {
    const subject = uniqueName('infra-reg-value');
    const { id } = await registry().register(v1, { subject });
    const encoded = await registry().encode(id, { id: 'abc' });
    // A fresh client knows nothing: decode has to fetch the schema by id.
    expect(await registry().decode(encoded)).toEqual({ id: 'abc' });
    expect(await registry().getLatestSchemaId(subject)).toBe(id);
  });

  it('gives the same id to the same schema, under any subject, as Confluent does', async () => {
    const first = await registry().register(v1, { subject: uniqueName('infra-reg-a') });
    const second = await registry().register(v1, { subject: uniqueName('infra-reg-b') });
    expect(second.id).toBe(first.id);
  });

  it('accepts a backward-compatible change as a new version', async () => {
    const subject = uniqueName('infra-reg-evolve');
    const first = await registry().register(v1, { subject });
    const second = await registry().register(v2Compatible, { subject });
    expect(second.id).not.toBe(first.id);
    const versions = await getJson(`/subjects/${subject}/versions`);
    expect(versions.body).toEqual([1, 2]);
  });

  it('rejects an incompatible change with HTTP 409', async () => {
    const subject = uniqueName('infra-reg-reject');
    await registry().register(v1, { subject });
    await expect(registry().register(v2Incompatible, { subject })).rejects.toMatchObject({ name: 'ResponseError', status: 409 });
  });
});

// Where Apicurio 3.0.9 answers differently from Confluent Schema Registry (see infrastructure/README.md).
describe('Apicurio differences from Confluent', () => {
  it('GET /config/{subject} answers 200 with the global rule for a subject without its own level (Confluent: 404, 40408)', async () => {
    const subject = uniqueName('infra-reg-config');
    await new SchemaRegistry({ host: registryUrl() }).register(v1, { subject });
    expect(await getJson(`/config/${subject}`)).toEqual({ status: 200, body: { compatibilityLevel: 'BACKWARD' } });
  });

  it('GET /config does not report the global rule set at start-up (Confluent: the global level)', async () => {
    expect(await getJson('/config')).toEqual({ status: 200, body: { compatibilityLevel: 'NONE' } });
  });

  it('GET /config/{subject} for an unknown subject is 404 with error_code 40401', async () => {
    const result = await getJson(`/config/${uniqueName('infra-reg-missing')}`);
    expect(result.status).toBe(404);
    expect(result.body.error_code).toBe(40401);
  });
});
