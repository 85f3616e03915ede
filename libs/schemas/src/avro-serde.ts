import type { COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import { AvroRecordSchema } from './avro-schema';
import { DeserializationError, SchemaRegistryError, SerializationError } from './errors';
import { SchemaName, SchemaTypes, avroSchemas } from './generated';
import { decodeFrame } from './internals/framing';
import { isRetriableRegistryFailure, registryFailureMessage } from './internals/registry-errors';
import { SchemaRegistryClient } from './registry';
import { Serde } from './serde';

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export interface AvroSerdeOptions {
  /** Subject for a topic. Default: TopicNameStrategy, `<topic>-value`. A string pins one subject. */
  subject?: string | ((topic: string) => string);
  /**
   * Register the schema under the subject on first serialize (default true). When false the schema
   * must already be registered and its id is looked up instead.
   */
  autoRegister?: boolean;
  /** Compatibility level set on a subject the serde registers first (default BACKWARD). */
  compatibility?: Compatibility;
}

/**
 * Avro serde in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary).
 * Serialize: the schema is registered (or looked up) once per subject, then values are encoded with it.
 * Deserialize: any schema id is accepted; the writer schema is fetched once per id and resolved into
 * `schema` (the reader), so consumers read data written by older or newer compatible versions.
 * Timestamps are plain epoch-millis numbers (no logical-type classes).
 */
export function avroSerde<T>(registry: SchemaRegistryClient, schema: AvroRecordSchema, options: AvroSerdeOptions = {}): Serde<T> {
  const reader = avro.Type.forSchema(schema as avro.Schema);
  const subjectFor = subjectStrategy(options.subject);
  const ids = new Map<string, Promise<number>>();
  const resolvers = new Map<number, Promise<avro.Resolver | undefined>>();

  const schemaId = (subject: string): Promise<number> => {
    let id = ids.get(subject);
    if (!id) {
      id = lookupOrRegister(registry, schema, subject, options);
      ids.set(subject, id);
      id.catch(() => ids.delete(subject));
    }
    return id;
  };

  const resolverFor = (writerId: number): Promise<avro.Resolver | undefined> => {
    let resolver = resolvers.get(writerId);
    if (!resolver) {
      resolver = registry.getSchema(writerId).then((writer) => {
        const writerType = writer as unknown as avro.Type;
        return reader.equals(writerType) ? undefined : reader.createResolver(writerType);
      });
      resolvers.set(writerId, resolver);
      resolver.catch(() => resolvers.delete(writerId));
    }
    return resolver;
  };

  return {
    async serialize(topic, value) {
      const subject = subjectFor(topic);
      const id = await schemaId(subject);
      try {
        return await registry.encode(id, value);
      } catch (error) {
        const paths = invalidPaths(reader, value);
        const where = paths.length > 0 ? ` (invalid: ${paths.join(', ')})` : '';
        throw new SerializationError(`value for ${topic} does not match ${reader.name ?? 'schema'}${where}`, topic, { cause: error });
      }
    },
    async deserialize(topic, data) {
      const frame = decodeFrame(data);
      if (typeof frame === 'string') throw new DeserializationError(`not a Confluent Avro frame on ${topic}: ${frame}`, topic);
      let resolver: avro.Resolver | undefined;
      try {
        resolver = await resolverFor(frame.schemaId);
      } catch (error) {
        throw new DeserializationError(
          `cannot read schema id ${frame.schemaId} on ${topic} as ${reader.name ?? 'schema'}: ${registryFailureMessage(error)}`,
          topic,
          { cause: error, retriable: isRetriableRegistryFailure(error) },
        );
      }
      try {
        return reader.fromBuffer(frame.payload, resolver) as T;
      } catch (error) {
        throw new DeserializationError(`corrupt Avro body on ${topic} (schema id ${frame.schemaId}): ${(error as Error).message}`, topic, { cause: error });
      }
    },
  };
}

/** Serde for a record declared in libs/schemas/avro, typed by its generated interface. */
export function recordSerde<N extends SchemaName>(registry: SchemaRegistryClient, name: N, options: AvroSerdeOptions = {}): Serde<SchemaTypes[N]> {
  return avroSerde<SchemaTypes[N]>(registry, avroSchemas[name], options);
}

function subjectStrategy(subject: AvroSerdeOptions['subject']): (topic: string) => string {
  if (typeof subject === 'string') return () => subject;
  if (typeof subject === 'function') return subject;
  return (topic) => `${topic}-value`;
}

/**
 * Waits before registering again after "Compatibility does not match": a subject's first registrant creates it and
 * only then sets its compatibility level, so a second process registering in between reads the registry's default
 * (Apicurio: NONE), and two first registrants both set it (the second is refused). Past these waits (1.5 s in all) the subject's level really differs and the error stands.
 */
const compatibilityRaceWaitsMs = [100, 200, 400, 800];

async function lookupOrRegister(registry: SchemaRegistryClient, schema: AvroRecordSchema, subject: string, options: AvroSerdeOptions): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (options.autoRegister === false) return await registry.getRegistryIdBySchema(subject, schema);
      const registered = await registry.register(schema, { subject, compatibility: (options.compatibility ?? 'BACKWARD') as COMPATIBILITY });
      return registered.id;
    } catch (error) {
      const message = registryFailureMessage(error);
      const mismatch = /Compatibility does not match/.test(message);
      // Two first registrants: both set the level, the second is refused (Apicurio: 409, the rule exists).
      const raced = mismatch || /rule named 'COMPATIBILITY' already exists/.test(message);
      const wait = compatibilityRaceWaitsMs[attempt];
      if (raced && wait !== undefined && options.autoRegister !== false) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const verb = options.autoRegister === false ? 'look up' : 'register';
      const hint = mismatch
        ? ` — the subject already exists with another compatibility level (Apicurio reports NONE for subjects without rules); set it with PUT <registry>/config/${subject} or pass options.compatibility`
        : '';
      throw new SchemaRegistryError(`cannot ${verb} ${schema.name} under subject ${subject}: ${message}${hint}`, subject, {
        cause: error,
        retriable: isRetriableRegistryFailure(error),
      });
    }
  }
}

function invalidPaths(type: avro.Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') });
  return paths;
}
