import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import { Authenticator } from '@platform/auth';
import { chatSerdes, GlobalTable, sendEpochTable } from '@platform/chat-streams';
import { defaultRetryOptions, errorMessage, jsonLogger, retry, sendEpochGuard, sendEpochWriter, type Logger } from '@platform/common';
import { kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi } from '@platform/nest-platform';
import { WriteProbe } from '@platform/nest-streams';
import { createSchemaRegistry, jsonSerde, recordSerde } from '@platform/schemas';
import { StreamsApplication, type FailedRecord } from '@platform/streams';
import { webhooksModule } from './app/webhooks.module';
import { WEBHOOKS_APPLICATION_ID, type WebhooksConfig } from './config';
import { Dispatcher } from './delivery/dispatcher';
import { HttpSender } from './delivery/http-sender';
import type { PartitionStatus } from './delivery/lane';
import { webhooksTopology } from './streams/webhooks-topology';
import { EventLog } from './realtime/event-log';
import { RealtimeWebsocket } from './realtime/realtime-websocket';
import { KeyCipher } from './subscriptions/key-cipher';
import { SubscriptionStore } from './subscriptions/subscription-store';
import { WebhooksService } from './subscriptions/webhooks.service';
import { webhooksTopics } from './topics';

export interface RunningWebhooks {
  readonly nest: INestApplication;
  readonly url: string;
  readonly app: StreamsApplication;
  /** Stops the HTTP server, the streams application, in-flight deliveries, the tables and the producer. */
  close(): Promise<void>;
}

export interface StartWebhooksOptions {
  readonly logger?: Logger;
}

/** Starts one webhooks replica: subscriptions and statuses in memory, the event + delivery streams application, the API. */
export async function startWebhooks(config: WebhooksConfig, options: StartWebhooksOptions = {}): Promise<RunningWebhooks> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: WEBHOOKS_APPLICATION_ID } });
  const kafkaConfig: KafkaConfig = { clientId: `${config.applicationId}-${config.applicationServer}`, ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const topics = webhooksTopics(config.topicsNamespace);
  const registry = createSchemaRegistry({ url: config.registry.url, clientId: WEBHOOKS_APPLICATION_ID, ...(config.registry.auth ? { auth: config.registry.auth } : {}) });
  const serdes = chatSerdes(registry);
  const webhookSerde = recordSerde(registry, 'Webhook');
  const groupIdPrefix = `${config.applicationId}-v${config.appVersion}`;
  const subscriptions = new GlobalTable({ kafka, topic: topics.subscriptions, serde: webhookSerde, groupIdPrefix, logger: logger.child({ component: 'subscriptions' }) });
  const statuses = new GlobalTable({ kafka, topic: topics.status, serde: jsonSerde<PartitionStatus>(), groupIdPrefix, logger: logger.child({ component: 'statuses' }) });
  // Blue/green: which app version delivers an event, by its time (written by the CLI; no record: this version delivers).
  const sendEpochs = sendEpochTable({ kafka, namespace: config.topicsNamespace, groupIdPrefix, logger: logger.child({ component: 'send-epochs' }) });
  const events = new EventLog({ kafka, topic: topics.events, groupIdPrefix, windowEvents: config.realtime.windowEvents, windowBytes: config.realtime.windowBytes, logger: logger.child({ component: 'realtime' }) });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const opened: { close(): Promise<void> }[] = [];
  try {
    await producer.connect();
    opened.push({ close: () => producer.disconnect() });
    await subscriptions.start();
    opened.push({ close: () => subscriptions.close() });
    await statuses.start();
    opened.push({ close: () => statuses.close() });
    await sendEpochs.start();
    opened.push({ close: () => sendEpochs.close() });
    await events.start();
    opened.push({ close: () => events.close() });
  } catch (error) {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    throw error;
  }
  const store = new SubscriptionStore(subscriptions, statuses, producer, topics.subscriptions, webhookSerde, new KeyCipher(config.encryptionSecret), config.writes.timeoutMs);
  const dispatcher = new Dispatcher({
    sender: new HttpSender(config.delivery, config.allowPrivateTargets, { maxSocketsPerPool: config.delivery.concurrencyPerSubscription }),
    directory: store,
    producer,
    outcomesTopic: topics.outcomes,
    concurrencyPerSubscription: config.delivery.concurrencyPerSubscription,
    logger: logger.child({ component: 'dispatcher' }),
  });
  const guard = sendEpochGuard(config.appVersion, () => sendEpochs.get(config.applicationId), () => sendEpochs.freshSince());
  // Blue/green: the events topic is shared by the versions, so each writes the events of its own epochs only.
  const eventWrites = sendEpochWriter(config.appVersion, () => sendEpochs.get(config.applicationId), () => sendEpochs.freshSince());
  const topology = webhooksTopology(topics, serdes, { policy: config.delivery, directory: store, dispatcher, guard }, eventWrites);
  const service = new WebhooksService({ store, allowPrivateTargets: config.allowPrivateTargets, clock: Date.now, retryAfterSeconds: 1 });
  const poison = (failure: FailedRecord) => {
    logger.error('record sent to the dead-letter topic', { stage: failure.stage, topic: failure.topic, partition: failure.partition, offset: failure.offset, error: errorMessage(failure.error) });
    return 'continue' as const;
  };
  let running = false;
  const realtime = new RealtimeWebsocket({ ...config.realtime, log: events, authenticator: new Authenticator(config.auth), logger: logger.child({ component: 'realtime' }) });
  const release = async () => {
    await realtime.close();
    await dispatcher.close();
    for (const o of [...opened].reverse()) await o.close().catch((error: unknown) => logger.warn('closing failed', { error: errorMessage(error) }));
  };

  const attempt = async () => {
    const metrics = new MetricsRegistry();
    const processMetrics = registerProcessMetrics(metrics);
    const app = new StreamsApplication(topology, {
      app: { id: config.applicationId, version: config.appVersion },
      // Exactly-once: a task's next transaction often starts while the broker still completes its previous commit
      // (CONCURRENT_TRANSACTIONS, retriable); kafkajs' default first retry after 300 ms stalled the task — dispatch
      // included — each time. Quicker first retries, about the same patience in all (8 doublings from 25 ms).
      kafka: { ...kafkaConfig, retry: { initialRetryTime: 25, retries: 8 } },
      stateDir: config.stateDir,
      applicationServer: config.applicationServer,
      commitIntervalMs: config.commitIntervalMs,
      producePath: config.producePath,
      fetchPath: config.fetchPath,
      // The engine fires wall-clock punctuators on its own timer (100 ms by default): without this the delivery
      // tasks' dispatch punctuator could not run more often than that, whatever WEBHOOKS_DISPATCH_INTERVAL_MS says.
      punctuationTickMs: config.delivery.dispatchIntervalMs,
      // Lanes and jobs are two stores: a commit must apply their changelogs and the input offsets together, or a
      // crash between them restores a lane whose jobs do not match it.
      processingGuarantee: 'exactly-once',
      metrics,
      logger: logger.child({ component: 'streams' }),
      deserializationExceptionHandler: poison,
      processingExceptionHandler: poison,
      productionExceptionHandler: poison,
      taskFailureHandling: 'isolate',
    });
    const onShutdown = async () => {
      processMetrics.stop();
      if (running) await release();
    };
    const writeProbe = new WriteProbe({ kafka: kafkaConfig, topics: [topics.subscriptions, topics.outcomes], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) });
    const module = webhooksModule({ app, metrics, service, logger, auth: config.auth, version: config.appVersion, onShutdown, writeProbe });
    const started = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port: config.port, host: config.host, logger, bodyLimit: 64 * 1024 });
    return { nest: started.app, url: started.url, app };
  };

  let started;
  try {
    started = await retry(attempt, {
      ...defaultRetryOptions,
      retries: 5,
      isRetriable: (error) => (error as { retriable?: unknown }).retriable === true,
      onRetry: (error, attempts, delayMs) => logger.warn('webhooks start failed; retrying', { error: errorMessage(error), attempts, delayMs }),
    });
  } catch (error) {
    await release();
    throw error;
  }
  running = true;
  const { nest, url, app } = started;
  realtime.attach(nest.getHttpServer());
  logger.info('webhooks listening', { applicationId: config.applicationId, url, applicationServer: config.applicationServer, namespace: config.topicsNamespace ?? null });
  let closing: Promise<void> | undefined;
  return { nest, url, app, close: () => (closing ??= realtime.close().then(() => nest.close())) };
}
