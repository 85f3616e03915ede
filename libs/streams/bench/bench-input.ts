import type { Admin, Kafka, Message } from 'kafkajs';

/** The input of the throughput cases: 6 partitions, records of about 200 bytes. */
export const PARTITIONS = 6;
const VALUE_BYTES = 190;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createTopic(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
}

/** `records` records, key `k<i>` (one key per record), value ~190 bytes of text. */
export async function produceInput(kafka: Kafka, admin: Admin, topic: string, records: number): Promise<void> {
  await createTopic(admin, topic);
  const producer = kafka.producer();
  await producer.connect();
  const filler = 'x'.repeat(VALUE_BYTES - 20);
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < records; i += 5_000) {
    const messages: Message[] = [];
    for (let j = i; j < Math.min(i + 5_000, records); j++) messages.push({ key: `k${j}`, value: `{"n":${String(j).padStart(9, '0')},"f":"${filler}"}` });
    inFlight.push(producer.send({ topic, messages, acks: -1 }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

/** The group's committed offsets equal the input's end offsets. */
export async function committedAll(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return ends.every((e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
}

/** Polls every 100 ms until `committedAll`; the moment it is. */
export async function untilCommitted(admin: Admin, groupId: string, topic: string): Promise<number> {
  while (!(await committedAll(admin, groupId, topic))) await sleep(100);
  return Date.now();
}
