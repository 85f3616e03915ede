import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '@platform/common';
import type { FetchConnection } from '../runtime/restore/restore-fetch';
import { LeanProducer } from './lean-producer';

/** Which client writes the at-least-once outputs: kafkajs (default) or the engine's own produce path. */
export type ProducePath = 'kafkajs' | 'lean';

/** The producer behind the at-least-once record collector. */
export type OutputProducer = Pick<Producer, 'sendBatch' | 'disconnect'>;

export interface OutputProducerOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly path: ProducePath;
  /** The engine's own connection settings; absent when only kafkajs can connect (then kafkajs is used). */
  readonly connection: FetchConnection | undefined;
  readonly logger: Logger;
}

/**
 * Opens the producer of the at-least-once outputs. `lean` needs connection settings the engine can use
 * itself (a KafkaConfig with no SASL or SASL PLAIN); without them it falls back to kafkajs, saying so.
 * Transactional producers (exactly-once) are kafkajs' whatever this says.
 */
export async function openOutputProducer(options: OutputProducerOptions): Promise<OutputProducer> {
  if (options.path === 'lean') {
    if (options.connection) return new LeanProducer({ admin: options.admin, connection: options.connection });
    options.logger.warn("producePath 'lean' needs the Kafka config (not a Kafka instance) and no SASL or SASL PLAIN; producing with kafkajs");
  }
  // kafkajs's default (murmur2, as Kafka's Java client) named explicitly: kafkajs warns when it is implicit.
  const producer = options.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}
