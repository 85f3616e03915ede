import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import { Authenticator } from '@platform/auth';
import { ChatWriter, GlobalTable, chatSerdes, chatTopics, placementPartition, sendEpochTable, withActualPartitions, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { jsonLogger, type Logger } from '@platform/common';
import { buildConnectorTopology, RawIngress, SecretBox, sendEpochGuard, type ConnectorDefinition } from '@platform/connector-kit';
import { freePort, kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi, ShutdownSteps } from '@platform/nest-platform';
import { WriteProbe } from '@platform/nest-streams';
import { createSchemaRegistry, type Channel } from '@platform/schemas';
import { StreamsApplication } from '@platform/streams';
import { allTopics, topicName } from '@platform/topics';
import { metaModule } from './app.module';
import { MetaChannels } from './channels-service';
import type { MetaConfig } from './config';
import { MetaConfigError } from './errors';
import { GraphClient } from './graph-client';
import { pageSources, whatsappSources } from './meta-channels';
import { pageRouter } from './page-router';
import { ProfileFetcher } from './profile-fetcher';
import { MetaRefetch } from './refetch';
import { MetaSender } from './sender';
import { SentMids } from './sent-mids';
import { PAGE_STORE, WHATSAPP_STORE } from './stores';
import { maxWebhookBytes, MetaVerifier } from './verifier';
import { MetaWebhooks } from './webhooks';
import { routeWhatsAppEvent } from './whatsapp-router';

export const FACEBOOK_RAW_TOPIC = 'source.facebook.events';
export const WHATSAPP_RAW_TOPIC = 'source.whatsapp.events';
export { PAGE_STORE, WHATSAPP_STORE } from './stores';

export interface StartedMeta {
  readonly nest: INestApplication;
  /** `http://host:port` */
  readonly url: string;
  /** Messenger + Instagram (`<id>`). */
  readonly app: StreamsApplication;
  /** WhatsApp Cloud (`<id>-whatsapp`). */
  readonly whatsappApp: StreamsApplication;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
}

type MetaTopics = ChatTopics & { readonly facebookEvents: string; readonly whatsappEvents: string };

/** The chat topics plus the two raw topics (so the writer may place raw records on them). */
function metaTopics(namespace: string | undefined): MetaTopics {
  const topics = chatTopics(namespace);
  const raw = [FACEBOOK_RAW_TOPIC, WHATSAPP_RAW_TOPIC].map((name) => {
    const declaration = allTopics.find((t) => t.name === name);
    if (!declaration) throw new MetaConfigError(`topic ${name} is not declared in topics/`);
    return { name: topicName(declaration, namespace), partitions: declaration.partitions };
  });
  return { ...topics, facebookEvents: raw[0]!.name, whatsappEvents: raw[1]!.name, partitions: new Map([...topics.partitions, ...raw.map((t): [string, number] => [t.name, t.partitions])]) };
}

/**
 * Starts one instance: the channels table, two streams applications (router + sender, exactly-once):
 * `<id>` over source.facebook.events for Messenger and Instagram, `<id>-whatsapp` over
 * source.whatsapp.events for WhatsApp Cloud, the webhook ingress and the channel endpoints.
 */
export async function startMeta(config: MetaConfig, options: StartOptions = {}): Promise<StartedMeta> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: config.applicationId } });
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const applicationServer = config.applicationServer ?? `${config.host}:${port}`;
  const groupPrefix = `${config.applicationId}-v${config.appVersion}`;
  const kafkaConfig: KafkaConfig = { clientId: config.applicationId, ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const lifecycle = new ShutdownSteps(logger, 'meta');
  let started: INestApplication | undefined;
  try {
    const admin = kafka.admin();
    await admin.connect();
    const declared = metaTopics(config.topicsNamespace);
    const actual = await withActualPartitions(declared, admin).finally(() => admin.disconnect());
    const topics: MetaTopics = { ...declared, partitions: actual.partitions };
    const serdes = chatSerdes(createSchemaRegistry({ url: config.registry.url, clientId: config.applicationId, ...(config.registry.auth ? { auth: config.registry.auth } : {}) }));
    const box = config.credentialKeys.length > 0 ? new SecretBox(config.credentialKeys) : undefined;
    const graph = new GraphClient({ baseUrl: config.graphBaseUrl, version: config.graphVersion, timeoutMs: config.requestTimeoutMs });

    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lifecycle.afterClose('producer', () => producer.disconnect());
    const writer = new ChatWriter(producer, topics, serdes, { timeoutMs: config.writes.timeoutMs, logger: logger.child({ component: 'writer' }) });
    const writeProbe = new WriteProbe({ kafka: kafkaConfig, topics: [topics.facebookEvents, topics.whatsappEvents, topics.channels], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) });

    const channelTable = new GlobalTable<Channel>({ kafka, topic: topics.channels, serde: serdes.channel, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'channels' }) });
    lifecycle.afterClose('channels table', () => channelTable.close());
    await channelTable.start();
    // Blue/green: which version sends a reply, by its send time, per application id (written by the CLI; no record: this version sends).
    const sendEpochs = sendEpochTable({ kafka, namespace: config.topicsNamespace, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'send-epochs' }) });
    lifecycle.afterClose('send epochs table', () => sendEpochs.close());
    await sendEpochs.start();

    const sentMids = new SentMids();
    const sender = new MetaSender({ graph, box, attempts: config.sendAttempts, retryBaseMs: config.retryBaseMs, sent: sentMids });
    const metrics = new MetricsRegistry();
    const processMetrics = registerProcessMetrics(metrics);
    lifecycle.afterClose('process metrics', async () => processMetrics.stop());
    const streamsApp = (id: string, raw: string, storeName: string, connector: ConnectorDefinition, appMetrics: MetricsRegistry | undefined) =>
      new StreamsApplication(
        buildConnectorTopology({ topics: { raw, messages: topics.messages, metadata: topics.metadata }, serdes: serdes as ChatSerdes, placement: placementPartition, connector, channels: channelTable, storeName, outbound: { staleAfterMs: config.staleAfterMs, guard: sendEpochGuard(config.appVersion, () => sendEpochs.get(id), () => sendEpochs.freshSince()) }, logger: logger.child({ component: 'sender', app: id }) }),
        {
          app: { id, version: config.appVersion },
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
          ...(appMetrics ? { metrics: appMetrics } : {}),
          logger: logger.child({ component: 'streams', app: id }),
        },
      );
    const app = streamsApp(config.applicationId, topics.facebookEvents, PAGE_STORE, { sources: pageSources, route: pageRouter({ appId: config.appId, sentHere: (mid) => sentMids.has(mid) }), send: (job) => sender.send(job) }, metrics);
    const whatsappApp = streamsApp(`${config.applicationId}-whatsapp`, topics.whatsappEvents, WHATSAPP_STORE, { sources: whatsappSources, route: routeWhatsAppEvent, send: (job) => sender.send(job) }, undefined);
    // The WhatsApp application runs beside the one Nest manages: started here (while Nest starts the other), closed with it.
    const whatsappStarted = whatsappApp.start();
    whatsappStarted.catch(() => undefined);
    // Closed alongside the other one (both commit their transactions and leave their groups at once).
    let whatsappClosed: Promise<void> | undefined;
    lifecycle.beforeClose('whatsapp streams application', async () => {
      whatsappClosed = whatsappApp.close();
      whatsappClosed.catch(() => undefined);
    });
    lifecycle.afterClose('whatsapp streams application closed', () => whatsappClosed ?? whatsappApp.close());

    const profiles = config.profileFetch ? new ProfileFetcher({ graph, box, channels: channelTable, writer, logger: logger.child({ component: 'profiles' }) }) : undefined;
    if (profiles) lifecycle.beforeClose('profile fetches', () => profiles.close());
    const ingress = (kind: 'page' | 'whatsapp', topic: string) => new RawIngress({ topic, sink: writer, verifier: new MetaVerifier({ kind, appSecret: config.appSecret, channels: channelTable }) });
    const webhooks = new MetaWebhooks({
      verifyToken: config.verifyToken,
      ingress: { page: ingress('page', topics.facebookEvents), whatsapp: ingress('whatsapp', topics.whatsappEvents) },
      profiles,
      graph,
      channels: channelTable,
    });
    const channels = new MetaChannels({ writer, channels: channelTable, box });
    const authenticator = new Authenticator({ systemToken: config.systemToken, jwtSecret: config.jwtSecret });
    const refetch = new MetaRefetch({ app, storeName: PAGE_STORE, channels: channelTable, profiles });
    const module = metaModule({ app, metrics, logger, authenticator, channels, webhooks, refetch, lifecycle, version: String(config.appVersion), writeProbe });
    const { app: nest, url } = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port, host: config.host, logger, bodyLimit: maxWebhookBytes, keepRawBody: true });
    started = nest;
    await whatsappStarted;
    logger.info('meta started', { url, applicationServer, namespace: config.topicsNamespace ?? '', graph: config.graphBaseUrl });
    return { nest, url, app, whatsappApp, close: () => nest.close() };
  } catch (error) {
    if (started) await started.close().catch(() => undefined);
    else await lifecycle.abort();
    throw error;
  }
}
