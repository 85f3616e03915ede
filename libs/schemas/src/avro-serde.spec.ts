import { AvroRecordSchema } from './avro-schema';
import { avroSerde, recordSerde } from './avro-serde';
import { COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { DeserializationError, SchemaRegistryError, SerializationError } from './errors';
import { SchemaName, avroSchemas, schemaNames } from './generated';
import { createSchemaRegistry } from './registry';
import { registryUrl, uniqueName } from '@platform/testing';
import { samples } from './testing/samples';

const registry = createSchemaRegistry({ url: registryUrl(), clientId: 'schemas-spec' });

describe('avroSerde against the real registry', () => {
  it.each(schemaNames.map((name) => [name]))('round-trips a %s', async (name: SchemaName) => {
    const topic = uniqueName(`schemas.${name.toLowerCase()}`);
    const serde = recordSerde(registry, name);
    const value = samples[name];
    const bytes = await serde.serialize(topic, value);
    expect(await serde.deserialize(topic, bytes)).toEqual(value);
  });

  it('frames values as magic byte 0 + 4-byte big-endian schema id + Avro binary', async () => {
    const topic = uniqueName('schemas.framing');
    const bytes = await recordSerde(registry, 'Tag').serialize(topic, samples.Tag);
    const schemaId = await registry.getLatestSchemaId(`${topic}-value`);
    expect(bytes.readUInt8(0)).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(schemaId);
    // Avro binary of the Tag: zig-zag varint length + UTF-8 for each string, then the enum index (PURPLE = 3).
    const avroString = (text: string) => Buffer.concat([Buffer.from([Buffer.byteLength(text) * 2]), Buffer.from(text)]);
    expect(bytes.subarray(5)).toEqual(Buffer.concat([avroString('tag-1'), avroString('VIP'), Buffer.from([3 * 2])]));
  });

  it('fills defaulted fields omitted by the writer', async () => {
    const topic = uniqueName('schemas.defaults');
    const serde = recordSerde(registry, 'Message');
    const { updatedAt: _u, sourceRecipientId: _s, headers: _h, ...minimal } = samples.Message;
    const decoded = await serde.deserialize(topic, await serde.serialize(topic, minimal));
    expect(decoded).toEqual({ ...minimal, updatedAt: null, sourceRecipientId: null, headers: {} });
  });

  it('lets a v2 reader consume records written with v1 (schema evolution)', async () => {
    const subject = uniqueName('schemas.evolution');
    const v1: AvroRecordSchema = { type: 'record', name: 'Evolving', namespace: 'platform.test', fields: [{ name: 'id', type: 'string' }, { name: 'count', type: 'int' }] };
    const v2: AvroRecordSchema = {
      ...v1,
      fields: [
        { name: 'id', type: 'string' },
        { name: 'count', type: 'long' },
        { name: 'label', type: ['null', 'string'], default: null },
      ],
    };
    const writer = avroSerde<{ id: string; count: number }>(registry, v1, { subject });
    const reader = avroSerde<{ id: string; count: number; label: string | null }>(registry, v2, { subject });
    const written = await writer.serialize('any-topic', { id: 'a', count: 7 });
    expect(await reader.deserialize('any-topic', written)).toEqual({ id: 'a', count: 7, label: null });
    // The v2 producer registers a new version under the same BACKWARD subject; v1 data still reads.
    const writtenV2 = await reader.serialize('any-topic', { id: 'b', count: 8, label: 'x' });
    expect(writtenV2.readUInt32BE(1)).not.toBe(written.readUInt32BE(1));
    expect(await reader.deserialize('any-topic', writtenV2)).toEqual({ id: 'b', count: 8, label: 'x' });
  });

  it('rejects a value that does not match the schema, naming the field', async () => {
    const serde = recordSerde(registry, 'Tag');
    const bad = { ...samples.Tag, color: 'ORANGE' } as unknown as typeof samples.Tag;
    await expect(serde.serialize(uniqueName('schemas.bad'), bad)).rejects.toThrow(SerializationError);
    await expect(serde.serialize(uniqueName('schemas.bad'), bad)).rejects.toThrow(/invalid: color/);
  });

  it('refuses to register under a subject whose compatibility level is not the requested one', async () => {
    const subject = uniqueName('schemas.loose');
    await registry.register(avroSchemas.Tag, { subject, compatibility: COMPATIBILITY.NONE });
    const error = await recordSerde(registry, 'Tag', { subject }).serialize('t', samples.Tag).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect((error as SchemaRegistryError).message).toMatch(/BACKWARD != NONE.*PUT <registry>\/config\//);
    expect((error as SchemaRegistryError).retriable).toBe(false);
    // Asking for the subject's actual level works, and lookup-only mode finds the registered id.
    await expect(recordSerde(registry, 'Tag', { subject, compatibility: 'NONE' }).serialize('t', samples.Tag)).resolves.toBeInstanceOf(Buffer);
    await expect(recordSerde(registry, 'Tag', { subject, autoRegister: false }).serialize('t', samples.Tag)).resolves.toBeInstanceOf(Buffer);
  });

  it('rejects bytes that are not a Confluent frame, and unknown schema ids', async () => {
    const serde = recordSerde(registry, 'Tag');
    await expect(serde.deserialize('t', Buffer.from('{"json":true}'))).rejects.toThrow(/magic byte is 123/);
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2]);
    await expect(serde.deserialize('t', unknownId)).rejects.toThrow(DeserializationError);
  });
});

describe('avroSerde registering one subject from several processes at once', () => {
  it('every writer gets the same schema id (a registrant that sees the subject before its compatibility is set waits for it)', async () => {
    const topic = uniqueName('schemas.race');
    // Separate clients: nothing cached between them, as in separate apps starting together.
    const writers = Array.from({ length: 6 }, (_, i) => recordSerde(createSchemaRegistry({ url: registryUrl(), clientId: `race-${i}` }), 'Tag'));
    const framed = await Promise.all(writers.map((serde) => serde.serialize(topic, samples.Tag)));
    const ids = new Set(framed.map((bytes) => bytes.readUInt32BE(1)));
    expect(ids.size).toBe(1);
    expect(await registry.getLatestSchemaId(`${topic}-value`)).toBe([...ids][0]);
  });
});
