import { Kafka, logLevel } from 'kafkajs';
import type { Serde } from '@platform/schemas';
import { createTopic, cuttableLink, kafkaBrokers, newKafka, uniqueName, waitFor } from '@platform/testing';
import { GlobalTable } from './global-table';

const text: Serde<string> = {
  serialize: async (_topic, value) => Buffer.from(value),
  deserialize: async (_topic, data) => data.toString('utf8'),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A broker outage under a running global table, its kafkajs connections cut while the broker stays up for the rest.
describe('GlobalTable during a broker outage', () => {
  it('closed while kafkajs restarts its crashed consumer, nothing goes on reconnecting', async () => {
    const admin = newKafka('global-table-outage-spec').admin();
    await admin.connect();
    const topic = uniqueName('gt-outage');
    try {
      await createTopic(admin, topic, { partitions: 1 });
    } finally {
      await admin.disconnect();
    }
    const link = await cuttableLink({ clientId: 'global-table-outage', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const table = new GlobalTable({ kafka: new Kafka(link.config), topic, serde: text, groupIdPrefix: uniqueName('gt-outage') });
    await table.start();
    link.cut();
    await waitFor(() => link.crashes.length > 0, { timeoutMs: 30_000, description: 'the kafkajs consumer crashed' });
    // the restarted consumer is connecting (kafkajs' Runner.start): its failure comes after disconnect() returned
    const atCrash = link.attempts();
    await waitFor(() => link.attempts() > atCrash, { timeoutMs: 10_000, description: 'the restart connecting' });
    await table.close();
    // the connect under way may still retry (a few hundred ms), then nothing more
    await sleep(3000);
    const settled = link.attempts();
    await sleep(3000);
    expect(link.attempts()).toBe(settled);
  }, 60_000);
});
