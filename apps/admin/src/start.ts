import 'reflect-metadata';
import { maxRequestBodyBytes } from '@platform/chat-domain';
import type { INestApplication } from '@nestjs/common';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { defaultRetryOptions, errorMessage, jsonLogger, retry, type Logger } from '@platform/common';
import { kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi } from '@platform/nest-platform';
import { WriteProbe } from '@platform/nest-streams';
import { createSchemaRegistry } from '@platform/schemas';
import { StreamsApplication, type FailedRecord } from '@platform/streams';
import type { AdminContext } from './app/admin-context';
import { adminModule } from './app/app.module';
import type { AdminConfig } from './config';
import { adminTopology } from './streams/admin-topology';
import { ADMIN_APPLICATION_ID } from './streams/stores';

export interface RunningAdmin {
  readonly nest: INestApplication;
  /** `http://host:port` the API listens on. */
  readonly url: string;
  readonly app: StreamsApplication;
  /** Stops the HTTP server, the streams application and the producer (also done by Nest on SIGINT/SIGTERM). */
  close(): Promise<void>;
}

export interface StartAdminOptions {
  /** Default: JSON lines on stderr at the configured level. */
  readonly logger?: Logger;
}

/** Starts one admin replica: resolves topics, starts the streams application and serves the API. */
export async function startAdmin(config: AdminConfig, options: StartAdminOptions = {}): Promise<RunningAdmin> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: ADMIN_APPLICATION_ID } });
  // The streams application gets the config (not the instance) so its restore fetch reader knows the connection settings.
  const kafkaConfig: KafkaConfig = { clientId: `${config.applicationId}-${config.applicationServer}`, ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const admin = kafka.admin();
  await admin.connect();
  // Topics created a moment ago may not be in every broker's metadata yet: retry what Kafka calls retriable.
  const topics = await retry(() => withActualPartitions(chatTopics(config.topicsNamespace), admin), {
    ...defaultRetryOptions,
    retries: 8,
    isRetriable: (error) => (error as { retriable?: unknown }).retriable === true,
  }).finally(() => admin.disconnect());
  const serdes = chatSerdes(createSchemaRegistry({ url: config.registry.url, clientId: ADMIN_APPLICATION_ID, ...(config.registry.auth ? { auth: config.registry.auth } : {}) }));
  // ChatWriter names every record's partition; the partitioner is never consulted.
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const topology = adminTopology(topics, serdes);
  const writer = new ChatWriter(producer, topics, serdes, { timeoutMs: config.writes.timeoutMs, logger: logger.child({ component: 'writer' }) });
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
  let running = false;

  /** One attempt at starting the streams application and the HTTP API (fresh metrics each time). */
  const attempt = async () => {
    const metrics = new MetricsRegistry();
    const processMetrics = registerProcessMetrics(metrics);
    const app = new StreamsApplication(topology, {
      app: { id: config.applicationId, version: config.appVersion },
      kafka: kafkaConfig,
      stateDir: config.stateDir,
      applicationServer: config.applicationServer,
      commitIntervalMs: config.commitIntervalMs,
      producePath: config.producePath,
      fetchPath: config.fetchPath,
      metrics,
      logger: logger.child({ component: 'streams' }),
      deserializationExceptionHandler: poison,
      processingExceptionHandler: poison,
      productionExceptionHandler: poison,
      taskFailureHandling: 'isolate',
    });
    const context: AdminContext = {
      topology,
      topics,
      writer,
      logger,
      clock: Date.now,
      retryAfterSeconds: 1,
      writeTimeoutMs: config.writeTimeoutMs,
      forwardTimeoutMs: config.writeTimeoutMs + 5_000,
    };
    // Nest shuts down on close() and on SIGINT/SIGTERM; a failed attempt is shut down by bootstrapApi.
    const onShutdown = async () => {
      processMetrics.stop();
      if (running) await producer.disconnect();
    };
    const writeProbe = new WriteProbe({ kafka: kafkaConfig, topics: [topics.channels, topics.tags, topics.templates, topics.metadata], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) });
    const module = adminModule({ app, metrics, context, auth: config.auth, version: config.appVersion, onShutdown, writeProbe });
    const started = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port: config.port, host: config.host, logger, bodyLimit: maxRequestBodyBytes });
    return { nest: started.app, url: started.url, app };
  };

  let started;
  try {
    // Kafka may answer a metadata request about topics created a moment ago (the app's internal
    // topics) with UNKNOWN_TOPIC_OR_PARTITION; the next attempt finds them and goes on.
    started = await retry(attempt, {
      ...defaultRetryOptions,
      retries: 5,
      isRetriable: (error) => (error as { retriable?: unknown }).retriable === true,
      onRetry: (error, attempts, delayMs) => logger.warn('admin start failed; retrying', { error: errorMessage(error), attempts, delayMs }),
    });
  } catch (error) {
    await producer.disconnect();
    throw error;
  }
  running = true;
  const { nest, url, app } = started;
  logger.info('admin listening', { applicationId: config.applicationId, url, applicationServer: config.applicationServer, namespace: config.topicsNamespace ?? null });
  let closing: Promise<void> | undefined;
  return { nest, url, app, close: () => (closing ??= nest.close()) };
}
