// The one call site that applies the declared topics (@platform/topics) to the cluster `npm start` uses.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fromRoot } from './paths.mjs';
import { requireTs } from './ts.mjs';

/**
 * @param {{ connection: object, namespace?: string, local: boolean, logger: object }} options
 */
export async function applyDeclaredTopics({ connection, namespace, local, logger }) {
  if (!existsSync(fromRoot('topics/src/index.ts'))) {
    logger.warn('topics/ has no src/index.ts yet: no topics applied');
    return;
  }
  const { applyTopics, allTopics, isClean } = requireTs('topics/src/index.ts');
  const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs');
  const admin = new Kafka({ clientId: 'platform-start', ...connection, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const report = await applyTopics(admin, allTopics, { namespace, growPartitions: true, ...(local ? { replicationFactor: 1 } : {}) });
    const counts = { created: report.created.length, unchanged: report.unchanged.length, drift: report.drift.length, errors: report.errors.length };
    logger.info(`topics applied${namespace ? ` in namespace ${namespace}` : ''}`, counts);
    if (!isClean(report)) {
      for (const error of report.errors) logger.error(`topic ${error.topic ?? ''}: ${error.message}`);
      for (const drift of report.drift) logger.warn('topic config drift (not corrected)', { drift });
      for (const mismatch of report.coPartitionMismatches) logger.warn('co-partitioned topics differ in partition count', { mismatch });
    }
  } finally {
    await admin.disconnect();
  }
}
