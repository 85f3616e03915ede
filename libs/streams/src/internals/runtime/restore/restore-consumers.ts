import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { INPUT_OFFSETS_HEADER, lastInputOffsets, type RestoreRequest } from './restore-request';
import type { RestoreLedger } from './restore-ledger';
import { tpKey } from '../../topic-partition';

/** kafkajs restore consumers working side by side (see {@link restoreWithConsumers}). */
export const RESTORE_CONSUMERS = 2;

export interface ConsumerRestoreOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly applicationKey: string;
}

/**
 * Reads the ledger's unfinished partitions with kafkajs consumers. kafkajs has no manual
 * `assign()`, so each consumer is alone in a throwaway group (`<applicationKey>-restore-<uuid>`,
 * never committing, deleted afterwards) subscribed to the changelog topics, and pauses the
 * partitions that are not its share as soon as it has joined (before its first fetch, so no
 * fetch is discarded by a later seek), positioning its own at their next offset. A kafkajs
 * consumer fetches, waits until the batch is processed, then fetches again, so the partitions are
 * shared out (by record count) between {@link RESTORE_CONSUMERS} consumers: one decodes and
 * writes while the other's fetch is in flight. `read_committed`: records of aborted or open
 * transactions are never restored. Resolves when every partition reached its end.
 */
export function restoreWithConsumers(ledger: RestoreLedger, options: ConsumerRestoreOptions): { done: Promise<void>; stop: () => Promise<void> } {
  const shares = shareOut(ledger.unfinished(), RESTORE_CONSUMERS).map((share) => startShare(share, ledger, options));
  return {
    done: Promise.all(shares.map((share) => share.done)).then(() => undefined),
    stop: async () => void (await Promise.all(shares.map((share) => share.stop()))),
  };
}

/** Splits requests into at most `count` shares of about equal record counts (largest first onto the lightest share). */
export function shareOut(requests: readonly RestoreRequest[], count: number): RestoreRequest[][] {
  const shares = Array.from({ length: Math.max(1, Math.min(count, requests.length)) }, () => ({ records: 0n, requests: [] as RestoreRequest[] }));
  const bySize = [...requests].sort((a, b) => (b.end - b.from > a.end - a.from ? 1 : b.end - b.from < a.end - a.from ? -1 : 0));
  for (const request of bySize) {
    const lightest = shares.reduce((min, share) => (share.records < min.records ? share : min));
    lightest.requests.push(request);
    lightest.records += request.end - request.from;
  }
  return shares.map((share) => share.requests);
}

/** The input offsets announced by the last commit header of a batch of kafkajs messages. */
export function inputOffsets(messages: readonly KafkaMessage[]): Map<string, string> | undefined {
  return lastInputOffsets(messages.length, (i) => {
    const header = messages[i]!.headers?.[INPUT_OFFSETS_HEADER];
    return Array.isArray(header) ? header[0] : header;
  });
}

const offsetOf = (message: KafkaMessage) => BigInt(message.offset);

function startShare(requests: readonly RestoreRequest[], ledger: RestoreLedger, options: ConsumerRestoreOptions): { done: Promise<void>; stop: () => Promise<void> } {
  const groupId = `${options.applicationKey}-restore-${randomUUID()}`;
  const consumer = options.kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false, maxWaitTimeInMs: 200 });
  const mine = new Set(requests.map((r) => tpKey(r.binding.topic, r.binding.partition)));
  const topics = [...new Set(requests.map((r) => r.binding.topic))];
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const reached = (topic: string, partition: number, next: bigint) => {
    if (!mine.has(tpKey(topic, partition)) || !ledger.reached(topic, partition, next)) return;
    mine.delete(tpKey(topic, partition));
    consumer.pause([{ topic, partitions: [partition] }]);
    if (mine.size === 0) finish();
  };
  // Emitted after every (re)join, before the fetches of that generation start.
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
      const idle = partitions.filter((p) => !mine.has(tpKey(topic, p)));
      if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
      for (const partition of partitions) {
        const next = mine.has(tpKey(topic, partition)) ? ledger.next(topic, partition) : undefined;
        if (next !== undefined) consumer.seek({ topic, partition, offset: String(next) });
      }
    }
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.topic, e.payload.partition, BigInt(e.payload.lastOffset) + 1n));
  consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
  const started = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (!mine.has(tpKey(batch.topic, batch.partition))) return;
        ledger.apply(batch.topic, batch.partition, batch.messages, offsetOf, inputOffsets);
        reached(batch.topic, batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
  })();
  started.catch(fail);
  const stop = async () => {
    await started.catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await options.admin.deleteGroups([groupId]).catch(() => undefined);
  };
  if (mine.size === 0) finish();
  return { done, stop };
}
