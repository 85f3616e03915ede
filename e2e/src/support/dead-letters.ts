import type { Admin, IHeaders, Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '@platform/streams';
import { uniqueName, waitFor } from '@platform/testing';

/** A record read back from a dead-letter topic, headers as text. */
export interface DeadLetter {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** `dlq.reason`, the header every dead-lettered record must carry. */
  readonly reason: string | undefined;
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).join(',');
  }
  return out;
}

/** The dead-letter topics of the apps in `namespace` (`<namespace>.<app>-v<version>-dlq`). */
export async function deadLetterTopics(admin: Admin, namespace: string): Promise<string[]> {
  return (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`) && topic.endsWith('-dlq')).sort();
}

/**
 * Reads every dead-letter topic of the namespace from the beginning until `found` holds for what was
 * read (or the timeout ends); returns everything read.
 */
export async function readDeadLetters(kafka: Kafka, topics: readonly string[], found: (letters: readonly DeadLetter[]) => boolean, timeoutMs = 60_000): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('e2e-dlq-reader') });
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = textHeaders(message.headers);
        letters.push({ topic, key: message.key, value: message.value, headers, reason: headers[DEAD_LETTER_HEADERS.reason] });
      },
    });
    await waitFor(() => found(letters), { timeoutMs, intervalMs: 250, description: 'the expected dead letters' }).catch(() => undefined);
    return letters;
  } finally {
    await consumer.disconnect();
  }
}
