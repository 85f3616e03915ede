import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { newKafka } from '@platform/testing';
import type { StreamsApplication } from '../../../application';

export interface BrokerHarness {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  /** A fresh directory, removed after the current test. */
  tempDir(prefix?: string): string;
  /** Closes the application after the current test (all tracked apps at once, before other cleanups). */
  track<T extends StreamsApplication>(app: T): T;
  /** Runs after the current test, the last registered first. */
  defer(cleanup: () => unknown): void;
}

/**
 * The common frame of the broker specs: one kafkajs client, admin and producer for the file (connected in
 * beforeAll), and per-test cleanup of applications, temp dirs and anything else deferred.
 */
export function useBrokerHarness(clientId: string): BrokerHarness {
  const kafka = newKafka(clientId);
  const admin = kafka.admin();
  const producer = kafka.producer();
  const apps: StreamsApplication[] = [];
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  return {
    kafka,
    admin,
    producer,
    tempDir(prefix = clientId) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    track(app) {
      apps.push(app);
      return app;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
