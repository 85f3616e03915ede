import 'reflect-metadata';
import { maxRequestBodyBytes } from '@platform/chat-domain';
import type { INestApplication } from '@nestjs/common';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import { Authenticator } from '@platform/auth';
import { ChatWriter, GlobalTable, chatSerdes, chatTopics, placementPartition, sendEpochTable, withActualPartitions, type ChatTopics } from '@platform/chat-streams';
import { jsonLogger, type Logger } from '@platform/common';
import { buildConnectorTopology, RawIngress, SecretBox, sendEpochGuard } from '@platform/connector-kit';
import { freePort, kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi, ShutdownSteps } from '@platform/nest-platform';
import { WriteProbe } from '@platform/nest-streams';
import { createSchemaRegistry, type Channel } from '@platform/schemas';
import { StreamsApplication } from '@platform/streams';
import { allTopics, topicName } from '@platform/topics';
import { twilioModule } from './app.module';
import { TwilioChannels } from './channels-service';
import type { TwilioConfig } from './config';
import { TwilioConfigError } from './errors';
import { routeTwilioEvent } from './router';
import { TwilioSender } from './sender';
import { twilioSources } from './twilio-channels';
import { TwilioVerifier } from './verifier';

export const TWILIO_RAW_TOPIC = 'source.twilio.events';
export const TWILIO_STORE = 'twilio-state';

export interface StartedTwilio {
  readonly nest: INestApplication;
  /** `http://host:port` */
  readonly url: string;
  readonly app: StreamsApplication;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
}

/** The chat topics plus `source.twilio.events` (so the writer may place raw records on it). */
function twilioTopics(namespace: string | undefined): ChatTopics & { readonly twilioEvents: string } {
  const topics = chatTopics(namespace);
  const declaration = allTopics.find((t) => t.name === TWILIO_RAW_TOPIC);
  if (!declaration) throw new TwilioConfigError(`topic ${TWILIO_RAW_TOPIC} is not declared in topics/`);
  const twilioEvents = topicName(declaration, namespace);
  return { ...topics, twilioEvents, partitions: new Map([...topics.partitions, [twilioEvents, declaration.partitions]]) };
}

/**
 * Starts one instance: the channels table, the streams application (router + sender, exactly-once),
 * the webhook ingress and the channel endpoints.
 */
export async function startTwilio(config: TwilioConfig, options: StartOptions = {}): Promise<StartedTwilio> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: config.applicationId } });
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const applicationServer = config.applicationServer ?? `${config.host}:${port}`;
  const groupPrefix = `${config.applicationId}-v${config.appVersion}`;
  const kafkaConfig: KafkaConfig = { clientId: config.applicationId, ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const lifecycle = new ShutdownSteps(logger, 'twilio');
  let started: INestApplication | undefined;
  try {
    const admin = kafka.admin();
    await admin.connect();
    const declared = twilioTopics(config.topicsNamespace);
    const actual = await withActualPartitions(declared, admin).finally(() => admin.disconnect());
    const topics = { ...declared, partitions: actual.partitions };
    const serdes = chatSerdes(createSchemaRegistry({ url: config.registry.url, clientId: config.applicationId, ...(config.registry.auth ? { auth: config.registry.auth } : {}) }));
    const box = config.credentialKeys.length > 0 ? new SecretBox(config.credentialKeys) : undefined;

    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lifecycle.afterClose('producer', () => producer.disconnect());
    const writer = new ChatWriter(producer, topics, serdes, { timeoutMs: config.writes.timeoutMs, logger: logger.child({ component: 'writer' }) });
    const writeProbe = new WriteProbe({ kafka: kafkaConfig, topics: [topics.twilioEvents, topics.channels], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) });

    const channelTable = new GlobalTable<Channel>({ kafka, topic: topics.channels, serde: serdes.channel, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'channels' }) });
    lifecycle.afterClose('channels table', () => channelTable.close());
    await channelTable.start();
    // Blue/green: which version sends a reply, by its send time (written by the CLI; no record: this version sends).
    const sendEpochs = sendEpochTable({ kafka, namespace: config.topicsNamespace, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'send-epochs' }) });
    lifecycle.afterClose('send epochs table', () => sendEpochs.close());
    await sendEpochs.start();

    const sender = new TwilioSender({
      box,
      defaultAccount: config.defaultAccount,
      apiBaseUrl: config.apiBaseUrl,
      statusCallbackUrl: config.publicUrl === undefined ? undefined : `${config.publicUrl}/twilio`,
      timeoutMs: config.requestTimeoutMs,
      attempts: config.sendAttempts,
      retryBaseMs: config.retryBaseMs,
    });
    const metrics = new MetricsRegistry();
    const processMetrics = registerProcessMetrics(metrics);
    lifecycle.afterClose('process metrics', async () => processMetrics.stop());
    const topology = buildConnectorTopology({
      topics: { raw: topics.twilioEvents, messages: topics.messages, metadata: topics.metadata },
      serdes,
      placement: placementPartition,
      connector: { sources: twilioSources, route: routeTwilioEvent, send: (job) => sender.send(job) },
      channels: channelTable,
      storeName: TWILIO_STORE,
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

    const verifier = new TwilioVerifier({ channels: channelTable, box, defaultAccount: config.defaultAccount });
    const ingress = new RawIngress({ topic: topics.twilioEvents, sink: writer, verifier, ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}) });
    const channels = new TwilioChannels({ writer, channels: channelTable, box, defaultAccount: config.defaultAccount });
    const authenticator = new Authenticator({ systemToken: config.systemToken, jwtSecret: config.jwtSecret });
    const module = twilioModule({ app, metrics, logger, authenticator, channels, ingress, lifecycle, version: String(config.appVersion), writeProbe });
    const { app: nest, url } = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port, host: config.host, logger, bodyLimit: maxRequestBodyBytes });
    started = nest;
    logger.info('twilio started', { url, applicationServer, namespace: config.topicsNamespace ?? '', publicUrl: config.publicUrl ?? '' });
    return { nest, url, app, close: () => nest.close() };
  } catch (error) {
    if (started) await started.close().catch(() => undefined);
    else await lifecycle.abort();
    throw error;
  }
}
