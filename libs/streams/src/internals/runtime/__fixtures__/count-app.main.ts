/**
 * Test fixture run as a child process (tsx): a count application that the kill -9 spec SIGKILLs
 * mid-stream. Reads its settings from argv: <brokers> <appId> <input> <stateDir>.
 */
import { Kafka, logLevel } from 'kafkajs';
import { StreamsApplication } from '../../../application';
import { countTopology } from './count-topology';

async function main(): Promise<void> {
  const [brokers, id, input, stateDir] = process.argv.slice(2);
  if (!brokers || !id || !input || !stateDir) throw new Error('usage: count-app <brokers> <appId> <input> <stateDir>');
  const kafka = new Kafka({ clientId: 'count-app-child', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const app = new StreamsApplication(countTopology(input), {
    app: { id, version: 1 },
    kafka,
    stateDir,
    commitIntervalMs: 100,
    // short, so the group notices the SIGKILLed member soon
    sessionTimeoutMs: 8000,
  });
  app.onStateChange((state) => process.stdout.write(`STATE ${state}\n`));
  app.on('commit.done', (e) => process.stdout.write(`COMMIT ${e.records}\n`));
  await app.start();
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
