import { parseSendEpochs, type SendEpoch } from '@platform/connector-kit';
import type { Admin, Kafka } from 'kafkajs';
import { readRecords } from './read-records';

/** The declared control topic (`topics/`, ops.ts): per application id, which version performs side effects from when. */
export const SEND_EPOCHS_TOPIC = 'ops.control.senders';
/** A handoff takes effect this long after it is written, so every running version has read it before (and clocks may differ by less). */
export const HANDOFF_DELAY_MS = 2000;
const KEPT_EPOCHS = 16;

export const sendEpochsTopic = (namespace: string | undefined) => (namespace ? `${namespace}.${SEND_EPOCHS_TOPIC}` : SEND_EPOCHS_TOPIC);

/** The epochs recorded for `applicationId` (empty: never handed off, its only version sends everything). */
export async function readSendEpochs(kafka: Kafka, admin: Admin, topic: string, applicationId: string): Promise<SendEpoch[]> {
  await ensureTopic(admin, topic);
  let epochs: SendEpoch[] = [];
  await readRecords(kafka, admin, { topic }, ({ message }) => {
    if (message.key?.toString('utf8') !== applicationId) return true;
    const parsed = message.value === null ? undefined : parseSendEpochs(safeJson(message.value.toString('utf8')));
    epochs = parsed ? [...parsed.epochs] : [];
    return true;
  });
  return epochs;
}

export async function writeSendEpochs(kafka: Kafka, admin: Admin, topic: string, applicationId: string, epochs: readonly SendEpoch[]): Promise<void> {
  await ensureTopic(admin, topic);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: applicationId, value: JSON.stringify({ epochs: epochs.slice(-KEPT_EPOCHS) }) }] });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Before a second version starts: if nothing is recorded, `version` (the live one) becomes the sender of
 * everything, so the new version sends nothing it has not been handed.
 */
export async function pinSender(kafka: Kafka, admin: Admin, topic: string, applicationId: string, version: number): Promise<void> {
  if ((await readSendEpochs(kafka, admin, topic, applicationId)).length === 0) await writeSendEpochs(kafka, admin, topic, applicationId, [{ version, from: 0 }]);
}

/** From `at` on (default now + HANDOFF_DELAY_MS), `version` sends; returns the time it takes effect. */
export async function handOff(kafka: Kafka, admin: Admin, topic: string, applicationId: string, version: number, at = Date.now() + HANDOFF_DELAY_MS): Promise<number> {
  const epochs = await readSendEpochs(kafka, admin, topic, applicationId);
  await writeSendEpochs(kafka, admin, topic, applicationId, [...epochs.filter((e) => e.from < at), { version, from: at }]);
  return at;
}

/** Once every other version is stopped: `version` sends everything, including what an older version left unsent. */
export async function soleSender(kafka: Kafka, admin: Admin, topic: string, applicationId: string, version: number): Promise<void> {
  await writeSendEpochs(kafka, admin, topic, applicationId, [{ version, from: 0 }]);
}

async function ensureTopic(admin: Admin, topic: string): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  await admin
    .createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
    .catch((error: unknown) => {
      if (!/already exists/i.test(String((error as Error).message))) throw error;
    });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
