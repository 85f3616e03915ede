import { Kafka, logLevel } from 'kafkajs';
import type { Serde } from '@platform/schemas';
import { createTopic, cuttableLink, kafkaBrokers, newKafka, uniqueName } from '@platform/testing';
import { GlobalTable } from './global-table';

const text: Serde<string> = {
  serialize: async (_topic, value) => Buffer.from(value),
  deserialize: async (_topic, data) => data.toString('utf8'),
};

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
    const { settled, later } = await link.closeMidRestart(() => table.close());
    expect(later).toBe(settled);
  }, 60_000);
});
