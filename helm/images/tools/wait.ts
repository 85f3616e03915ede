/**
 * Init container of the chart (bundled to /app/tools/wait.cjs in the platform image):
 * `wait.cjs kafka` — the brokers answer a metadata request; `wait.cjs registry` — GET <registry>/subjects is 200;
 * `wait.cjs topics <file>` — every topic of the chart's list (under TOPICS_NAMESPACE) exists.
 * Reads the same KAFKA_* / SCHEMA_REGISTRY_* / TOPICS_NAMESPACE variables as the apps, retries every 2 s and
 * exits 1 after WAIT_TIMEOUT_SECONDS (default 300).
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { envInteger, envText, kafkaClientConfigFromEnv, kafkaJsConnection } from '@platform/config';
import { checkKafkaReachable, checkRegistryReachable } from '@platform/infra-kafka';
import { namespacedTopicNames, parseChartTopics } from '../../src/chart-topics';
import { pollUntilDone, topicsMissingReason } from '../../src/wait';

const usage = 'usage: wait.cjs kafka | registry | topics <topics.json>';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [target, file] = argv;
  const client = kafkaClientConfigFromEnv(env);
  const poll = {
    timeoutMs: envInteger(env, 'WAIT_TIMEOUT_SECONDS', 300, 1, 86_400) * 1000,
    intervalMs: 2000,
    onWaiting: (reason: string) => console.log(`[wait ${target}] ${reason}`),
  };
  if (target === 'registry') {
    const registry = client.registry;
    if (!registry) throw new Error('SCHEMA_REGISTRY_URL is required');
    await pollUntilDone(async () => (await checkRegistryReachable(registry, 5000), undefined), poll);
  } else if (target === 'kafka' || target === 'topics') {
    const kafka = client.kafka;
    if (!kafka) throw new Error('KAFKA_BROKERS is required');
    if (target === 'kafka') {
      await pollUntilDone(async () => (await checkKafkaReachable(kafka, 5000), undefined), poll);
    } else {
      if (!file) throw new Error(usage);
      const wanted = namespacedTopicNames(parseChartTopics(readFileSync(file, 'utf8')), envText(env, 'TOPICS_NAMESPACE'));
      const admin = new Kafka({ clientId: 'wait-for-topics', ...kafkaJsConnection(kafka), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      try {
        await pollUntilDone(async () => {
          await admin.connect();
          return topicsMissingReason(admin, wanted);
        }, poll);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  } else {
    console.error(usage);
    return 2;
  }
  console.log(`[wait ${target}] ready`);
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
