import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions, type ChatTopics } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { createSchemaRegistry } from '@platform/schemas';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { allTopics, applyTopics } from '@platform/topics';
import { parseCommunicationConfig } from '../config';
import { startCommunication, type StartedCommunication } from '../start';

export const systemToken = 'system-token-for-communication-specs';
export const jwtSecret = 'jwt-secret-for-communication-specs-0123456789';

/** A JSON answer, read loosely: specs assert on its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of many shapes, checked by expect()
export type JsonAnswer = { status: number; headers: Headers; json: any };

export interface Replica {
  readonly started: StartedCommunication;
  readonly name: string;
  /** POSTs JSON with the system token (or `token`, or none when null). */
  post(route: string, body?: unknown, options?: { token?: string | null; headers?: Record<string, string> }): Promise<JsonAnswer>;
}

export interface TwoReplicas {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly topics: ChatTopics;
  readonly writer: ChatWriter;
  readonly a: Replica;
  readonly b: Replica;
  /** The replica owning the conversation (or channel) id, and the other one. */
  ownerOf(id: string): { owner: Replica; other: Replica };
  close(): Promise<void>;
}

function replica(started: StartedCommunication, name: string): Replica {
  return {
    started,
    name,
    async post(route, body = {}, options = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      const token = options.token === undefined ? systemToken : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const response = await fetch(`${started.url}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
    },
  };
}

/**
 * Creates the chat topics under a fresh namespace, runs `seed` with a writer on them, then starts two
 * replicas of the app (same application id, own state dirs, free ports) and waits until both are
 * ready and share the tasks.
 */
export async function startTwoReplicas(seed: (writer: ChatWriter, topics: ChatTopics) => Promise<void>): Promise<TwoReplicas> {
  const kafka = newKafka('communication-spec');
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true });
  await Promise.all([admin.connect(), producer.connect()]);
  const namespace = uniqueName('comm');
  await applyTopics(admin, allTopics, { namespace });
  const topics = await withActualPartitions(chatTopics(namespace), admin);
  const writer = new ChatWriter(producer, topics, chatSerdes(createSchemaRegistry({ url: registryUrl() })));
  await seed(writer, topics);

  const dirs: string[] = [];
  const start = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communication-'));
    dirs.push(dir);
    const config = parseCommunicationConfig({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      TOPICS_NAMESPACE: namespace,
      STATE_DIR: dir,
      PORT: '0',
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: jwtSecret,
      STREAMS_COMMIT_INTERVAL_MS: '100',
    });
    return startCommunication(config, silentLogger);
  };
  // One after the other: two StreamsApplications creating the same internal topics at the same moment
  // can fail on the second one (libs/streams topic setup reads metadata the broker has not propagated).
  const first = await start();
  const second = await start();
  const a = replica(first, 'a');
  const b = replica(second, 'b');
  const ready = async (r: Replica) => (await fetch(`${r.started.url}/health/ready`)).status === 200;
  await waitFor(
    async () =>
      (await ready(a)) &&
      (await ready(b)) &&
      [a, b].every((r) => r.started.app.allMetadata().length === 2 && r.started.app.allMetadata().every((m) => m.tasks.length > 0 && m.endpoint) && r.started.app.localTasks().length > 0),
    { timeoutMs: 60_000, description: 'two ready replicas sharing the tasks' },
  );
  return {
    kafka,
    admin,
    producer,
    topics,
    writer,
    a,
    b,
    ownerOf(id) {
      const owner = a.started.app.metadataForKey('conversations', id)?.local ? a : b;
      return { owner, other: owner === a ? b : a };
    },
    async close() {
      await Promise.all([first.close(), second.close()]);
      await Promise.all([admin.disconnect(), producer.disconnect()]);
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
