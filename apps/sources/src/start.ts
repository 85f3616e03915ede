import 'reflect-metadata';
import { maxRequestBodyBytes } from '@platform/chat-domain';
import type { INestApplication } from '@nestjs/common';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import { Authenticator } from '@platform/auth';
import { ChatWriter, GlobalTable, chatSerdes, chatTopics, placementPartition, sendEpochTable, withActualPartitions, type ChatTopics } from '@platform/chat-streams';
import { jsonLogger, type Logger } from '@platform/common';
import { buildConnectorTopology, sendEpochGuard } from '@platform/connector-kit';
import { freePort, kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi, ShutdownSteps } from '@platform/nest-platform';
import { WriteProbe } from '@platform/nest-streams';
import { createSchemaRegistry, recordSerde, type Channel, type Source } from '@platform/schemas';
import { StreamsApplication } from '@platform/streams';
import { allTopics, topicName } from '@platform/topics';
import { sourcesModule } from './app.module';
import type { SourcesConfig } from './config';
import { SourcesConfigError } from './errors';
import { routeSourceEvent } from './router';
import { ActionSender } from './sender';
import { SourceChannels } from './source-channels';
import { isCustomSourceId } from './source-ids';
import { SourceRegistry } from './source-registry';
import { SourceWebhook } from './source-webhook';

export const SOURCES_RAW_TOPIC = 'source.sources.events';
export const SOURCES_REGISTRY_TOPIC = 'application.communication.sources';
export const SOURCES_STORE = 'sources-state';

export interface StartedSources {
  readonly nest: INestApplication;
  /** `http://host:port` */
  readonly url: string;
  readonly app: StreamsApplication;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
}

function declared(name: string, namespace: string | undefined) {
  const declaration = allTopics.find((t) => t.name === name);
  if (!declaration) throw new SourcesConfigError(`topic ${name} is not declared in topics/`);
  return { name: topicName(declaration, namespace), partitions: declaration.partitions };
}

/** The chat topics plus the raw topic (so the writer may place raw records on it) and the sources registry. */
function sourcesTopics(namespace: string | undefined): ChatTopics & { readonly sourceEvents: string; readonly sources: string } {
  const topics = chatTopics(namespace);
  const raw = declared(SOURCES_RAW_TOPIC, namespace);
  const registry = declared(SOURCES_REGISTRY_TOPIC, namespace);
  return { ...topics, sourceEvents: raw.name, sources: registry.name, partitions: new Map([...topics.partitions, [raw.name, raw.partitions]]) };
}

/**
 * Starts one instance: the sources and channels tables, the streams application (router + action
 * sender, exactly-once) and the endpoints.
 */
export async function startSources(config: SourcesConfig, options: StartOptions = {}): Promise<StartedSources> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: config.applicationId } });
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const applicationServer = config.applicationServer ?? `${config.host}:${port}`;
  const groupPrefix = `${config.applicationId}-v${config.appVersion}`;
  const kafkaConfig: KafkaConfig = { clientId: config.applicationId, ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const lifecycle = new ShutdownSteps(logger, 'sources');
  let started: INestApplication | undefined;
  try {
    const admin = kafka.admin();
    await admin.connect();
    const wanted = sourcesTopics(config.topicsNamespace);
    const actual = await withActualPartitions(wanted, admin).finally(() => admin.disconnect());
    const topics = { ...wanted, partitions: actual.partitions };
    const registryClient = createSchemaRegistry({ url: config.registry.url, clientId: config.applicationId, ...(config.registry.auth ? { auth: config.registry.auth } : {}) });
    const serdes = chatSerdes(registryClient);
    const sourceSerde = recordSerde(registryClient, 'Source');

    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lifecycle.afterClose('producer', () => producer.disconnect());
    const writer = new ChatWriter(producer, topics, serdes, { timeoutMs: config.writes.timeoutMs, logger: logger.child({ component: 'writer' }) });
    const writeProbe = new WriteProbe({ kafka: kafkaConfig, topics: [topics.sourceEvents, topics.channels, topics.sources], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) });

    const channelTable = new GlobalTable<Channel>({ kafka, topic: topics.channels, serde: serdes.channel, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'channels' }) });
    lifecycle.afterClose('channels table', () => channelTable.close());
    const sourceTable = new GlobalTable<Source>({ kafka, topic: topics.sources, serde: sourceSerde, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'sources' }) });
    lifecycle.afterClose('sources table', () => sourceTable.close());
    // Blue/green: which version sends a reply, by its send time (written by the CLI; no record: this version sends).
    const sendEpochs = sendEpochTable({ kafka, namespace: config.topicsNamespace, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'send-epochs' }) });
    lifecycle.afterClose('send epochs table', () => sendEpochs.close());
    await Promise.all([channelTable.start(), sourceTable.start(), sendEpochs.start()]);

    const registry = new SourceRegistry({ topic: topics.sources, producer, serde: sourceSerde, table: sourceTable, tokenSecret: config.tokenSecret, writeTimeoutMs: config.writes.timeoutMs });
    const sender = new ActionSender({ sourceOf: (id) => sourceTable.get(id), tokenOf: (source) => registry.tokenOf(source), timeoutMs: config.requestTimeoutMs });
    const metrics = new MetricsRegistry();
    const processMetrics = registerProcessMetrics(metrics);
    lifecycle.afterClose('process metrics', async () => processMetrics.stop());
    const topology = buildConnectorTopology({
      topics: { raw: topics.sourceEvents, messages: topics.messages, metadata: topics.metadata },
      serdes,
      placement: placementPartition,
      // Every custom source id is ours (a deleted source's PENDING messages are FAILED, not left PENDING).
      connector: { sources: isCustomSourceId, route: routeSourceEvent, send: (job) => sender.send(job) },
      channels: channelTable,
      storeName: SOURCES_STORE,
      outbound: { staleAfterMs: config.staleAfterMs, guard: sendEpochGuard(config.appVersion, () => sendEpochs.get(config.applicationId), () => sendEpochs.freshSince()) },
      logger: logger.child({ component: 'sender' }),
    });
    const app = new StreamsApplication(topology, {
      app: { id: config.applicationId, version: config.appVersion },
      kafka: kafkaConfig,
      stateDir: config.stateDir,
      applicationServer,
      commitIntervalMs: config.commitIntervalMs,
      producePath: config.producePath,
      fetchPath: config.fetchPath,
      sessionTimeoutMs: config.sessionTimeoutMs,
      processingGuarantee: 'exactly-once',
      deserializationExceptionHandler: {},
      processingExceptionHandler: {},
      productionExceptionHandler: {},
      taskFailureHandling: 'isolate',
      metrics,
      logger: logger.child({ component: 'streams' }),
    });

    const channels = new SourceChannels({ writer, channels: channelTable });
    const webhook = new SourceWebhook({ topic: topics.sourceEvents, writer, channels: channelTable });
    const authenticator = new Authenticator({ systemToken: config.systemToken, jwtSecret: config.jwtSecret });
    const module = sourcesModule({ app, metrics, logger, authenticator, registry, channels, webhook, lifecycle, version: String(config.appVersion), writeProbe });
    const { app: nest, url } = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port, host: config.host, logger, bodyLimit: maxRequestBodyBytes });
    started = nest;
    logger.info('sources started', { url, applicationServer, namespace: config.topicsNamespace ?? '' });
    return { nest, url, app, close: () => nest.close() };
  } catch (error) {
    if (started) await started.close().catch(() => undefined);
    else await lifecycle.abort();
    throw error;
  }
}
