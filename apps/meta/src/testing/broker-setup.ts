import type { Admin } from 'kafkajs';
import { chatTopics, SEND_EPOCHS_TOPIC, withActualPartitions, type ChatTopics } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { allTopics, applyTopics } from '@platform/topics';
import { kafkaBrokers, registryUrl, waitFor } from '@platform/testing';
import { parseMetaConfig } from '../config';
import { FACEBOOK_RAW_TOPIC, startMeta, WHATSAPP_RAW_TOPIC, type StartedMeta } from '../start';

/**
 * Creates only the topics the connector uses, with 3 partitions instead of 10 (the app follows the cluster's
 * counts; raw and messages stay co-partitioned): 6 tasks instead of 20 keep broker specs lean.
 */
export async function createMetaTopics(admin: Admin, namespace: string): Promise<ChatTopics> {
  const needed = new Set([...chatTopics().partitions.keys(), FACEBOOK_RAW_TOPIC, WHATSAPP_RAW_TOPIC, SEND_EPOCHS_TOPIC]);
  await applyTopics(admin, allTopics.filter((t) => needed.has(t.name)).map((t) => ({ ...t, partitions: 3 })), { namespace, replicationFactor: 1 });
  const topics = await withActualPartitions(chatTopics(namespace), admin);
  for (const topic of [topics.messages, topics.channels, topics.metadata]) {
    await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length > 0, { timeoutMs: 30_000, description: `leaders of ${topic}` });
  }
  return topics;
}

export interface SpecMetaOptions {
  readonly namespace: string;
  /** A new version is a router reset: new consumer groups, empty stores. */
  readonly version: number;
  readonly stateDir: string;
  readonly graphUrl: string;
  readonly systemToken: string;
  readonly appSecret: string;
  readonly appId: string;
  readonly verifyToken: string;
  /** base64 of the 32-byte credentials key `k1`. */
  readonly key: string;
}

/** Starts one connector instance as `main.ts` would (from its environment) and waits until both streams apps run tasks. */
export async function startSpecMeta(options: SpecMetaOptions): Promise<StartedMeta> {
  const started = await startMeta(
    parseMetaConfig({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      AUTH_SYSTEM_TOKEN: options.systemToken,
      AUTH_JWT_SECRET: 'meta-spec-jwt-secret-0123456789',
      PORT: String(await freePort()),
      STATE_DIR: options.stateDir,
      TOPICS_NAMESPACE: options.namespace,
      APP_VERSION: String(options.version),
      STREAMS_COMMIT_INTERVAL_MS: '100',
      META_APP_SECRET: options.appSecret,
      META_APP_ID: options.appId,
      META_VERIFY_TOKEN: options.verifyToken,
      META_GRAPH_BASE_URL: options.graphUrl,
      META_CREDENTIALS_KEYS: `k1:${options.key}`,
      META_SEND_ATTEMPTS: '3',
      META_RETRY_BASE_MS: '50',
    }),
    { logger: silentLogger },
  );
  await waitFor(async () => [started.app, started.whatsappApp].every((a) => a.state === 'RUNNING' && a.allMetadata().some((m) => m.tasks.length > 0)), { timeoutMs: 60_000, description: 'meta running' });
  return started;
}
