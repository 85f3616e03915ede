import { ConfigResourceTypes, type Admin } from 'kafkajs';
import type { Logger } from '@platform/common';
import type { RecordHeaders } from '../../api/record';
import type { TopologySpec } from '../topology/spec';
import { DEAD_LETTER_HEADROOM_BYTES, ensureDeadLetterTopics } from './dead-letter';
import type { PoisonRecordPolicy } from './exception-handlers';
import type { TopicPlan } from './topic-plan';

/** Kafka's default `message.max.bytes` (and so the default `max.message.bytes` of a topic). */
export const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Bytes of a record batch (v2) around its records: base offset, length, epoch, magic, CRC, ... */
const BATCH_OVERHEAD = 61;
/** Upper bound of a record's own fields (length, attributes, timestamp and offset deltas, key and
 * value lengths, header count), every varint at its longest. */
const RECORD_OVERHEAD = 36;
/** Upper bound of one header's two length varints. */
const HEADER_OVERHEAD = 10;

/**
 * The size a record takes in a batch of its own, an upper bound of what the broker compares with
 * `max.message.bytes` (uncompressed: the engine's producers do not compress).
 */
export function recordBatchBytes(keyBytes: number, valueBytes: number, headerBytes: number): number {
  return BATCH_OVERHEAD + RECORD_OVERHEAD + keyBytes + valueBytes + headerBytes;
}

/** The record bytes of a set of headers (names and values, with their length varints). */
export function headersBytes(headers: RecordHeaders | Readonly<Record<string, Buffer | string | undefined>> | undefined): number {
  if (!headers) return 0;
  let total = 0;
  for (const name in headers) {
    const value = headers[name];
    total += HEADER_OVERHEAD + Buffer.byteLength(name) + (value === undefined ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length);
  }
  return total;
}

/**
 * The `max.message.bytes` of the topics the application writes (read once at start), so a record
 * that cannot be produced is refused synchronously, where it is derived from its input record,
 * instead of failing a whole batch (or transaction) asynchronously in the producer.
 */
export class TopicLimits {
  private readonly limits = new Map<string, number>();

  constructor(entries: Iterable<readonly [string, number]> = []) {
    for (const [topic, bytes] of entries) this.limits.set(topic, bytes);
  }

  /** The topic's `max.message.bytes`, undefined when unknown (then nothing is checked). */
  get(topic: string): number | undefined {
    return this.limits.get(topic);
  }

  set(topic: string, bytes: number): void {
    this.limits.set(topic, bytes);
  }

  /** The largest limit of these topics (undefined when none is known). */
  largest(topics: Iterable<string>): number | undefined {
    let largest: number | undefined;
    for (const topic of topics) {
      const limit = this.limits.get(topic);
      if (limit !== undefined && (largest === undefined || limit > largest)) largest = limit;
    }
    return largest;
  }
}

/**
 * Reads `max.message.bytes` of existing topics (a topic without its own value reports the broker's
 * `message.max.bytes`); topics that cannot be described get `fallback`.
 */
export async function readTopicLimits(admin: Admin, topics: readonly string[], fallback = BROKER_DEFAULT_MAX_MESSAGE_BYTES): Promise<TopicLimits> {
  const limits = new TopicLimits();
  const unique = [...new Set(topics)];
  for (const topic of unique) limits.set(topic, fallback);
  if (unique.length === 0) return limits;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: unique.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
  });
  for (const resource of described.resources) {
    const entry = resource.configEntries.find((e) => e.configName === 'max.message.bytes');
    const bytes = Number(entry?.configValue);
    if (resource.errorCode === 0 && Number.isSafeInteger(bytes) && bytes > 0) limits.set(resource.resourceName, bytes);
  }
  return limits;
}

/**
 * At start: creates the dead-letter topics (room for the largest input record plus its `dlq.*`
 * headers) and reads `max.message.bytes` of every topic the application writes (sinks, internal
 * topics, dead-letter topics). A failed describe (e.g. no DescribeConfigs permission) assumes
 * `fallback` for every topic.
 */
export async function prepareWriteLimits(
  admin: Admin,
  spec: TopologySpec,
  plan: TopicPlan,
  poison: PoisonRecordPolicy,
  fallback: number,
  logger: Logger,
): Promise<TopicLimits> {
  const sinks = [...spec.nodes.values()].flatMap((n) => (n.kind === 'sink' ? [plan.resolve(n.topic)] : []));
  const internal = plan.internalTopics.map((t) => t.name);
  const read = (topics: string[]) =>
    readTopicLimits(admin, topics).catch((error) => {
      logger.warn('could not read max.message.bytes of the topics; assuming the broker default', { error: String(error) });
      return new TopicLimits(topics.map((t) => [t, fallback] as const));
    });
  const inputs = await read([...plan.inputTopics]);
  const largestInput = inputs.largest(plan.inputTopics) ?? fallback;
  await ensureDeadLetterTopics(admin, poison.deadLetterTopics, largestInput + DEAD_LETTER_HEADROOM_BYTES);
  const limits = await read([...new Set([...sinks, ...internal, ...poison.deadLetterTopics])]);
  poison.limits = (topic) => limits.get(topic);
  return limits;
}
