import { randomBytes } from 'node:crypto';

export interface KafkaServerConfig {
  /** log.dirs: where topic data lives. */
  dataDir: string;
  port: number;
  controllerPort: number;
  /** Interface to bind and advertise; default 127.0.0.1. */
  host?: string;
  nodeId?: number;
  /** Appended last, so they override the defaults below. */
  extra?: Record<string, string | number | boolean>;
}

/**
 * server.properties of a single-node KRaft broker+controller on one host.
 * Static quorum (`controller.quorum.voters`), so ports may change between runs on the same data dir.
 * Tuned for a laptop and tests: RF 1, one-partition internal topics, no auto-created topics, no initial rebalance
 * delay, and a log cleaner that compacts within seconds once a topic's own segment.ms rolls its segments.
 */
export function kafkaServerProperties(config: KafkaServerConfig): string {
  const host = config.host ?? '127.0.0.1';
  const nodeId = config.nodeId ?? 1;
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': nodeId,
    'controller.quorum.voters': `${nodeId}@${host}:${config.controllerPort}`,
    listeners: `PLAINTEXT://${host}:${config.port},CONTROLLER://${host}:${config.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${config.port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': config.dataDir,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.cleaner.threads': 1,
    'log.cleaner.backoff.ms': 100,
    'log.cleaner.min.cleanable.ratio': 0.01,
    'log.cleaner.min.compaction.lag.ms': 0,
    'log.cleaner.delete.retention.ms': 100,
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    'log.retention.check.interval.ms': 1000,
    'log.initial.task.delay.ms': 0,
    ...config.extra,
  };
  return Object.entries(properties).map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
}

/** Console logging at WARN, Kafka's own lifecycle lines at INFO (they land in the broker's log file). */
export const kafkaLog4j2Properties = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = STDOUT',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.out.ref = STDOUT',
  'logger.server.name = kafka.server.KafkaRaftServer',
  'logger.server.level = INFO',
  '',
].join('\n');

/** A cluster id as Kafka prints it (base64url of 16 random bytes, never starting with '-'). */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
