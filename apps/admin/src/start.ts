import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Kafka, Partitioners, logLevel as kafkaLogLevel } from 'kafkajs';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { errorMessage, jsonLogger, type Logger } from '@platform/common';
import { kafkaJsConnection } from '@platform/infra-kafka';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { createSchemaRegistry } from '@platform/schemas';
import { StreamsApplication, type FailedRecord } from '@platform/streams';
import type { AdminContext } from './app/admin-context';
import { AdminModule } from './app/app.module';
import { kafkaLogCreator } from './app/kafka-logs';
import type { AdminConfig } from './config';
import { adminTopology } from './streams/admin-topology';
import { ADMIN_APPLICATION_ID } from './streams/stores';

export interface RunningAdmin {
  readonly nest: INestApplication;
  /** `http://host:port` the API listens on. */
  readonly url: string;
  readonly app: StreamsApplication;
  /** Stops the HTTP server, the streams application and the producer. */
  close(): Promise<void>;
}

export interface StartAdminOptions {
  /** Default: JSON lines on stderr at the configured level. */
  readonly logger?: Logger;
}

/** Starts one admin replica: resolves topics, starts the streams application and serves the API. */
export async function startAdmin(config: AdminConfig, options: StartAdminOptions = {}): Promise<RunningAdmin> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: ADMIN_APPLICATION_ID } });
  const kafka = new Kafka({ clientId: `${config.applicationId}-${config.applicationServer}`, ...kafkaJsConnection(config.kafka), logLevel: kafkaLogLevel.WARN, logCreator: kafkaLogCreator(logger) });
  const admin = kafka.admin();
  await admin.connect();
  const topics = await withActualPartitions(chatTopics(config.topicsNamespace), admin).finally(() => admin.disconnect());
  const serdes = chatSerdes(createSchemaRegistry({ url: config.registry.url, clientId: ADMIN_APPLICATION_ID, ...(config.registry.auth ? { auth: config.registry.auth } : {}) }));
  // ChatWriter names every record's partition; the partitioner is never consulted.
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const metrics = new MetricsRegistry();
  const processMetrics = registerProcessMetrics(metrics);
  const topology = adminTopology(topics, serdes);
  const poison = (failure: FailedRecord) => {
    logger.error('record sent to the dead-letter topic', {
      stage: failure.stage,
      topic: failure.topic,
      partition: failure.partition,
      offset: failure.offset,
      error: errorMessage(failure.error),
    });
    return 'continue' as const;
  };
  const app = new StreamsApplication(topology, {
    app: { id: config.applicationId, version: config.appVersion },
    kafka,
    stateDir: config.stateDir,
    applicationServer: config.applicationServer,
    commitIntervalMs: config.commitIntervalMs,
    metrics,
    logger: logger.child({ component: 'streams' }),
    deserializationExceptionHandler: poison,
    processingExceptionHandler: poison,
  });
  const context: AdminContext = {
    topology,
    topics,
    writer: new ChatWriter(producer, topics, serdes),
    logger,
    clock: Date.now,
    retryAfterSeconds: 1,
    writeTimeoutMs: config.writeTimeoutMs,
    forwardTimeoutMs: config.writeTimeoutMs + 5_000,
  };

  let nest: INestApplication;
  try {
    nest = await NestFactory.create(AdminModule.forRoot({ app, metrics, context, auth: config.auth }), { logger: false });
    await nest.listen(config.port, config.host);
  } catch (error) {
    processMetrics.stop();
    await producer.disconnect();
    throw error;
  }
  logger.info('admin listening', { applicationId: config.applicationId, url: `http://${config.host}:${config.port}`, applicationServer: config.applicationServer, namespace: config.topicsNamespace ?? null });
  let closing: Promise<void> | undefined;
  return {
    nest,
    url: `http://${config.host}:${config.port}`,
    app,
    close: () =>
      (closing ??= (async () => {
        await nest.close();
        processMetrics.stop();
        await producer.disconnect();
      })()),
  };
}
