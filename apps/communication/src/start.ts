import 'reflect-metadata';
import { Module, type INestApplication, type Type } from '@nestjs/common';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import { Authenticator } from '@platform/auth';
import type { MetadataEntries } from '@platform/chat-domain';
import { ChatWriter, GlobalTable, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { defaultRetryOptions, errorMessage, jsonLogger, retry, type Logger } from '@platform/common';
import { freePort, kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi } from '@platform/nest-platform';
import { WriteProbe } from '@platform/nest-streams';
import { createSchemaRegistry, jsonSerde, type Channel, type Tag } from '@platform/schemas';
import { StreamsApplication, applicationKey, internalTopicName, type ExceptionHandler } from '@platform/streams';
import { CommunicationModule } from './app.module';
import type { CommunicationConfig } from './config';
import { ConversationIndex } from './conversations/conversation-index';
import { Renderer, type EntityLookups } from './conversations/renderer';
import type { CommunicationSettings } from './http/settings';
import type { ServiceContext } from './service-context';
import { communicationTopology } from './streams/communication-topology';
import { StreamsStateAccess } from './streams/state-access';
import { CommunicationStores } from './streams/stores';
import { randomUUID } from 'node:crypto';

export interface StartedCommunication {
  readonly nest: INestApplication;
  /** `http://host:port` the API listens on. */
  readonly url: string;
  readonly app: StreamsApplication;
  /** Stops the API, the streams application (committing), the global tables and the producer. */
  close(): Promise<void>;
}

/**
 * Starts one replica of the communication app: the streams application over messages, metadata and
 * read receipts, global tables of channels, tags and channel metadata, and the HTTP API. Used by
 * `main.ts`, the broker specs and the e2e alike.
 */
export async function startCommunication(config: CommunicationConfig, logger: Logger = jsonLogger({ level: config.logLevel, fields: { app: 'communication' } })): Promise<StartedCommunication> {
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const applicationServer = config.applicationServer ?? `${config.host}:${port}`;
  const identity = { id: config.applicationId, version: config.appVersion };
  // The streams application gets the config (not the instance) so its restore fetch reader knows the connection settings.
  const kafkaConfig: KafkaConfig = { clientId: applicationKey(identity), ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const admin = kafka.admin();
  await admin.connect();
  const topics = await retryStartup(() => withActualPartitions(chatTopics(config.topicsNamespace), admin)).finally(() => admin.disconnect());
  const serdes = chatSerdes(createSchemaRegistry({ url: config.registry.url, ...(config.registry.auth ? { auth: config.registry.auth } : {}) }));
  // ChatWriter names every record's partition; the partitioner is never consulted.
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const opened: { close(): Promise<void> }[] = [];
  const closeOpened = async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close().catch(() => undefined);
  };

  const metrics = new MetricsRegistry();
  const processMetrics = registerProcessMetrics(metrics);
  const deadLetter: ExceptionHandler = (failure) => {
    logger.error('record sent to the dead-letter topic', { stage: failure.stage, topic: failure.topic, partition: failure.partition, offset: failure.offset, error: errorMessage(failure.error) });
    return 'continue';
  };
  // The index exists once the renderer does; the processors only reach it after the app started.
  const indexRef: { current?: ConversationIndex } = {};
  const topology = communicationTopology(topics, serdes, {
    conversationStored: (state) => indexRef.current?.update(state),
    metadataStored: () => indexRef.current?.renderedInputsChanged(),
  });
  const app = new StreamsApplication(topology, {
    app: identity,
    kafka: kafkaConfig,
    stateDir: config.stateDir,
    applicationServer,
    commitIntervalMs: config.commitIntervalMs,
    producePath: config.producePath,
    fetchPath: config.fetchPath,
    metrics,
    logger: logger.child({ component: 'streams' }),
    deserializationExceptionHandler: deadLetter,
    processingExceptionHandler: deadLetter,
    productionExceptionHandler: deadLetter,
    taskFailureHandling: 'isolate',
  });

  const groupIdPrefix = applicationKey(identity);
  const tableLogger = logger.child({ component: 'global-table' });
  const channels = new GlobalTable<Channel>({ kafka, topic: topics.channels, serde: serdes.channel, groupIdPrefix, logger: tableLogger });
  const tags = new GlobalTable<Tag>({ kafka, topic: topics.tags, serde: serdes.tag, groupIdPrefix, logger: tableLogger });
  // The changelog of the channel-metadata store: every channel's facts, on every replica.
  const channelFacts = new GlobalTable<MetadataEntries>({
    kafka,
    topic: internalTopicName(identity, CommunicationStores.channelMetadata, 'changelog'),
    serde: jsonSerde<MetadataEntries>(),
    groupIdPrefix,
    logger: tableLogger,
  });
  try {
    await producer.connect();
    opened.push({ close: () => producer.disconnect() }, channels, tags);
    await Promise.all([startTable(channels), startTable(tags)]);
  } catch (error) {
    await closeOpened();
    throw error;
  }

  const lookups: EntityLookups = {
    channel: (id) => channels.get(id),
    channelMetadata: (id) => channelFacts.get(id),
    tagExists: (id) => tags.get(id) !== undefined,
    catchUp: (table) => (table === 'tags' ? tags : channels).catchUp(config.positionTimeoutMs),
  };
  const access = new StreamsStateAccess(app, config.positionTimeoutMs);
  const render = new Renderer(lookups, access.local);
  const index = new ConversationIndex((state) => render.view(state));
  indexRef.current = index;
  // Whatever changes the local conversations without going through the processors, or their views.
  for (const event of ['task.opened', 'task.closed', 'restore.end', 'rebalance.assigned'] as const) app.on(event, () => index.invalidate());
  tags.onChange(() => index.invalidate());
  // Payloads show the channel and its metadata (the global tables) beside the local stores.
  channels.onChange(() => index.renderedInputsChanged());
  channelFacts.onChange(() => index.renderedInputsChanged());
  const context: ServiceContext = {
    access,
    writer: new ChatWriter(producer, topics, serdes, { timeoutMs: config.writes.timeoutMs, logger: logger.child({ component: 'writer' }) }),
    lookups,
    render,
    clock: Date.now,
    newId: randomUUID,
    conversationIndex: index,
  };
  const settings: CommunicationSettings = { topics, retryAfterSeconds: config.retryAfterSeconds, peerTimeoutMs: config.positionTimeoutMs + 5_000, peerAuthorization: `Bearer ${config.systemToken}` };
  opened.push({ close: async () => processMetrics.stop() }, channelFacts);
  // Nest closes them (in reverse order of opening) after the streams application.
  const resources = [...opened].reverse();
  const communication = CommunicationModule.forRoot({
    application: app,
    context,
    settings,
    authenticator: new Authenticator({ systemToken: config.systemToken, jwtSecret: config.jwtSecret }),
    metrics,
    logger,
    version: String(config.appVersion),
    positionTimeoutMs: config.positionTimeoutMs,
    resources,
    writeProbe: new WriteProbe({ kafka: kafkaConfig, topics: [topics.messages, topics.metadata, topics.readReceipts], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) }),
  });
  @Module({ imports: [communication] })
  class CommunicationRoot {}
  const module: Type = CommunicationRoot;
  // Listening starts the streams application, which creates the changelog the channel-metadata table reads.
  let started;
  try {
    started = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port, host: config.host, logger, bodyLimit: config.bodyLimit });
  } catch (error) {
    await app.close().catch(() => undefined);
    await closeOpened();
    throw error;
  }
  const { app: nest, url } = started;
  try {
    await startTable(channelFacts);
  } catch (error) {
    await nest.close();
    throw error;
  }
  logger.info('communication started', { url, applicationServer, applicationId: groupIdPrefix });
  return { nest, url, app, close: () => nest.close() };
}

/**
 * Retries what fails while topics are still settling on the brokers (a topic just created by another
 * replica or by the topics job: leader not elected, metadata not propagated). Only kafkajs errors
 * marked retriable are retried.
 */
function retryStartup<T>(operation: () => Promise<T>): Promise<T> {
  return retry(() => operation(), { ...defaultRetryOptions, retries: 8, isRetriable: (error) => (error as { retriable?: unknown }).retriable === true });
}

/** Starts a global table, closing what a failed attempt opened before the next one. */
function startTable(table: Pick<GlobalTable<unknown>, 'start' | 'close'>): Promise<void> {
  return retryStartup(() =>
    table.start().catch(async (error: unknown) => {
      await table.close();
      throw error;
    }),
  );
}
