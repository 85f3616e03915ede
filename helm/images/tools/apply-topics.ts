/**
 * The chart's topics job (bundled to /app/tools/apply-topics.cjs in the platform image):
 * `apply-topics.cjs <topics.json>` checks that the chart's list (ConfigMap) is what this image's topics/ declares
 * (the chart and the image must come from the same source), then runs applyTopics with TOPICS_NAMESPACE and
 * TOPICS_REPLICATION_FACTOR (-1 or unset: the declared/broker default). Creates what is missing, never deletes;
 * prints the report as JSON and exits 1 when it has errors.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { envText, kafkaClientConfigFromEnv, kafkaJsConnection } from '@platform/config';
import { allTopics, applyTopics, reportToJson } from '@platform/topics';
import { matchesDeclarations } from '../../src/chart-topics';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file] = argv;
  if (!file) {
    console.error('usage: apply-topics.cjs <topics.json>');
    return 2;
  }
  if (!matchesDeclarations(readFileSync(file, 'utf8'))) {
    throw new Error(`${file} is not the topic list of this image's topics/ — deploy the chart and image of the same version`);
  }
  const kafka = kafkaClientConfigFromEnv(env).kafka;
  if (!kafka) throw new Error('KAFKA_BROKERS is required');
  const rf = envText(env, 'TOPICS_REPLICATION_FACTOR');
  if (rf !== undefined && !/^(-1|[1-9][0-9]*)$/.test(rf)) throw new Error(`TOPICS_REPLICATION_FACTOR must be -1 or a positive integer, not "${rf}"`);
  const admin = new Kafka({ clientId: 'topics-job', ...kafkaJsConnection(kafka), logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const report = await applyTopics(admin, allTopics, {
      namespace: envText(env, 'TOPICS_NAMESPACE'),
      ...(rf !== undefined && rf !== '-1' ? { replicationFactor: Number(rf) } : {}),
    });
    console.log(JSON.stringify(reportToJson(report)));
    return report.errors.length === 0 ? 0 : 1;
  } finally {
    await admin.disconnect();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
