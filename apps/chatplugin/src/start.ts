import 'reflect-metadata';
import { maxRequestBodyBytes } from '@platform/chat-domain';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { Kafka, Partitioners, type KafkaConfig } from 'kafkajs';
import type { INestApplication } from '@nestjs/common';
import { Authenticator } from '@platform/auth';
import { ChatWriter, GlobalTable, chatSerdes, chatTopics, withActualPartitions } from '@platform/chat-streams';
import { jsonLogger, type Logger } from '@platform/common';
import { freePort, kafkaJsConnection, kafkaJsLogging } from '@platform/config';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { bootstrapApi, rateLimitMessage, ShutdownSteps } from '@platform/nest-platform';
import { createSchemaRegistry, type Channel } from '@platform/schemas';
import { StreamsApplication } from '@platform/streams';
import { WriteProbe } from '@platform/nest-streams';
import { chatpluginModule } from './app.module';
import { ChannelDirectory } from './channels';
import { ChatpluginService } from './chatplugin-service';
import type { ChatpluginConfig } from './config';
import { DeliveryService } from './delivery/delivery-service';
import { HistoryReader } from './delivery/history-reader';
import { MessageTail } from './delivery/message-tail';
import { SocketHub } from './delivery/socket-hub';
import { VisitorWebsocket } from './delivery/visitor-websocket';
import { buildChatpluginTopology } from './streams/topology';
import { chatpluginThreadTopology } from './streams/thread-topology';
import { VisitorTokens } from './visitor/visitor-tokens';
import { visitorRateLimitPolicy } from './http/visitor-rate-limits';

export interface StartedChatplugin {
  readonly nest: INestApplication;
  /** `http://host:port` */
  readonly url: string;
  readonly app: StreamsApplication;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Default: JSON lines on stderr at the configured level. */
  readonly logger?: Logger;
}

/**
 * Starts one instance: the streams application (router + history store, exactly-once), the channels
 * table, the messages tail that pushes to visitor sockets, the HTTP API and the visitor websocket.
 */
export async function startChatplugin(config: ChatpluginConfig, options: StartOptions = {}): Promise<StartedChatplugin> {
  const logger = options.logger ?? jsonLogger({ level: config.logLevel, fields: { app: config.applicationId } });
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const applicationServer = config.applicationServer ?? `${config.host}:${port}`;
  const groupPrefix = `${config.applicationId}-v${config.appVersion}`;
  // The streams application gets the config (not the instance) so its restore fetch reader knows the connection settings.
  const kafkaConfig: KafkaConfig = { clientId: config.applicationId, ...kafkaJsConnection(config.kafka), ...kafkaJsLogging(logger, config.logLevel) };
  const kafka = new Kafka(kafkaConfig);
  const lifecycle = new ShutdownSteps(logger, 'chatplugin');
  let started: INestApplication | undefined;
  try {
    const admin = kafka.admin();
    await admin.connect();
    const topics = await withActualPartitions(chatTopics(config.topicsNamespace), admin).finally(() => admin.disconnect());
    const serdes = chatSerdes(createSchemaRegistry({ url: config.registry.url, clientId: config.applicationId, ...(config.registry.auth ? { auth: config.registry.auth } : {}) }));

    // ChatWriter names every record's partition; the partitioner is never consulted.
    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    lifecycle.afterClose('producer', () => producer.disconnect());
    const writer = new ChatWriter(producer, topics, serdes, { timeoutMs: config.writes.timeoutMs, logger: logger.child({ component: 'writer' }) });
    const writeProbe = new WriteProbe({ kafka: kafkaConfig, topics: [topics.chatpluginEvents, topics.messages, topics.channels], intervalMs: config.writes.probeIntervalMs, logger: logger.child({ component: 'write-probe' }) });

    const channelTable = new GlobalTable<Channel>({ kafka, topic: topics.channels, serde: serdes.channel, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'channels' }) });
    lifecycle.afterClose('channels table', () => channelTable.close());
    await channelTable.start();
    const channels = new ChannelDirectory(channelTable);

    const metrics = new MetricsRegistry();
    const processMetrics = registerProcessMetrics(metrics);
    lifecycle.afterClose('process metrics', async () => processMetrics.stop());
    const registry = { url: config.registry.url, clientId: config.applicationId, ...(config.registry.auth ? { auth: config.registry.auth } : {}) };
    const threads =
      config.streamThreads > 1
        ? { numStreamThreads: config.streamThreads, threadTopology: chatpluginThreadTopology({ topics, registry }, __dirname, path.extname(__filename)) }
        : {};
    const app = new StreamsApplication(buildChatpluginTopology(topics, serdes), {
      ...threads,
      app: { id: config.applicationId, version: config.appVersion },
      kafka: kafkaConfig,
      stateDir: config.stateDir,
      applicationServer,
      commitIntervalMs: config.commitIntervalMs,
      producePath: config.producePath,
      fetchPath: config.fetchPath,
      processingGuarantee: 'exactly-once',
      deserializationExceptionHandler: {},
      processingExceptionHandler: {},
      productionExceptionHandler: {},
      taskFailureHandling: 'isolate',
      metrics,
      logger: logger.child({ component: 'streams' }),
    });

    const tokens = new VisitorTokens({ secret: config.tokenSecret });
    const history = new HistoryReader(app, { authorization: `Bearer ${config.systemToken}` });
    const hub = new SocketHub();
    const delivery = new DeliveryService({ hub, history, writer, metrics, logger: logger.child({ component: 'delivery' }) });
    const service = new ChatpluginService({ topics, writer, channels, tokens, history });
    const authenticator = new Authenticator({ systemToken: config.systemToken, jwtSecret: config.jwtSecret });

    const visitorRateLimit = visitorRateLimitPolicy({ config, tokens, authenticator });
    const module = chatpluginModule({ app, metrics, logger, authenticator, service, history, channels, lifecycle, version: String(config.appVersion), visitorRateLimit, writeProbe });
    // keepRawBody: chatplugin.send hands the body as posted to the connector kit's ingress.
    const { app: nest, url } = await bootstrapApi(module, { management: config.managementPort === undefined ? undefined : { port: config.managementPort }, port, host: config.host, logger, bodyLimit: maxRequestBodyBytes, trustedProxies: config.trustedProxies, keepRawBody: true });
    started = nest;

    // A disconnected channel refuses its visitors: close their sockets too.
    const unsubscribe = channelTable.onChange((id, channel) => {
      if (channel?.connectionState !== 'CONNECTED') hub.closeChannel(id, 4403, 'channel disconnected');
    });
    lifecycle.beforeClose('channel listener', async () => unsubscribe());
    const websocket = new VisitorWebsocket({
      hub,
      delivery,
      authenticate: (token) => service.visitor(token),
      admit: async (req) => {
        const verdict = await visitorRateLimit.check(req);
        return verdict.allowed ? undefined : { retryAfterSeconds: verdict.retryAfterSeconds, message: rateLimitMessage(verdict.scope) };
      },
      logger: logger.child({ component: 'websocket' }),
    });
    websocket.attach(nest.getHttpServer() as Server);
    lifecycle.beforeClose('websocket', () => websocket.close());

    const tail = new MessageTail({ kafka, topic: topics.messages, serde: serdes.message, groupIdPrefix: groupPrefix, logger: logger.child({ component: 'tail' }) });
    lifecycle.beforeClose('message tail', () => tail.close());
    await tail.start((message) => delivery.onMessage(message));

    logger.info('chatplugin started', { url, applicationServer, namespace: config.topicsNamespace ?? '' });
    return { nest, url, app, close: () => nest.close() };
  } catch (error) {
    if (started) await started.close().catch(() => undefined);
    else await lifecycle.abort();
    throw error;
  }
}
