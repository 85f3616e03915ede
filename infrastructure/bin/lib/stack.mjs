// Brings up what the environment does not provide: external Kafka/registry from env, else local JVMs.
import { randomBytes } from 'node:crypto';
import { config, infra } from './ts.mjs';

/**
 * @param {object} options
 * @param {string} options.dir        root for local data and logs
 * @param {boolean} options.temporary whether `dir` is throw-away (tests, bench)
 * @param {{kafkaPort?: number, controllerPort?: number, registryPort?: number}} [options.ports] omitted → free ports
 * @param {object} options.logger
 * @param {Record<string,string|undefined>} [options.env]
 * @param {object} [options.restart] restart policy of a local broker/registry that crashes (see infra-kafka `RestartPolicy`); omitted → none
 */
export async function bringUp({ dir, temporary, ports = {}, logger, env = process.env, restart }) {
  const lib = infra();
  const settings = config();
  const external = settings.kafkaClientConfigFromEnv(env);
  const cacheDir = lib.cacheDirFromEnv(env);
  const javaBin = env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : undefined;
  const started = Date.now();

  if (external.kafka) {
    await lib.checkKafkaReachable(external.kafka);
    logger.info('using external Kafka', { brokers: external.kafka.brokers.join(',') });
    let registryUrl = external.registry?.url;
    let stopRegistry = async () => undefined;
    if (external.registry) {
      await lib.checkRegistryReachable(external.registry);
      logger.info('using external schema registry', { url: registryUrl });
    } else {
      if (external.kafka.sasl || external.kafka.tls) {
        throw new lib.ConfigError('KAFKA_BROKERS points at a TLS/SASL cluster but SCHEMA_REGISTRY_URL is unset — set SCHEMA_REGISTRY_URL to that cluster\'s registry');
      }
      await lib.preflight({ javaBin, needMaven: !lib.isResolved(cacheDir), ports: ports.registryPort ? [{ port: ports.registryPort, what: 'schema registry' }] : [] });
      const runtime = await lib.resolveRegistry({ cacheDir, logger });
      const registry = await lib.startRegistry({
        runtime,
        brokers: external.kafka.brokers,
        port: ports.registryPort ?? (await lib.freePort()),
        logDir: `${dir}/logs`,
        journalTopic: temporary ? `kafkasql-journal-${randomBytes(4).toString('hex')}` : undefined,
        javaBin,
        logger,
      });
      registryUrl = registry.url;
      stopRegistry = () => registry.stop();
    }
    const connection = settings.kafkaJsConnection(external.kafka);
    return { brokers: external.kafka.brokers, connection, registryUrl, startMs: Date.now() - started, external: true, stop: stopRegistry };
  }

  if (external.registry) logger.warn('SCHEMA_REGISTRY_URL is set without KAFKA_BROKERS: starting a local Kafka and using that registry');
  const stack = await lib.startLocalStack({ cacheDir, dir, temporary, ...ports, registry: !external.registry, javaBin, logger, ...(restart ? { restart } : {}) });
  if (external.registry) await lib.checkRegistryReachable(external.registry);
  const registryUrl = external.registry?.url ?? stack.registryUrl;
  return { brokers: stack.brokers, connection: { brokers: stack.brokers }, registryUrl, startMs: Date.now() - started, timings: stack.timings, external: false, stop: () => stack.stop() };
}

/** Environment handed to jest, apps and benchmarks. */
export function stackEnv(stack) {
  return { KAFKA_BROKERS: stack.brokers.join(','), SCHEMA_REGISTRY_URL: stack.registryUrl ?? '' };
}
