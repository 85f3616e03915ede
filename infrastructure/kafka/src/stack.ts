import { join } from 'node:path';
import { Logger, silentLogger } from '@platform/common';
import { startKafka, KafkaHandle } from './kafka';
import { freePort } from './ports';
import { preflight } from './preflight';
import { startRegistry, RegistryHandle } from './registry';
import { isResolved, resolveKafka, resolveRegistry } from './resolve';
import { Supervisor, type RestartPolicy } from './supervise';

export interface LocalStackOptions {
  /** Runtime cache (see `cacheDirFromEnv`). */
  cacheDir: string;
  /** Root of this stack's files: `<dir>/kafka` holds topic data, `<dir>/logs` config and JVM logs. */
  dir: string;
  /** Omitted ports are picked free. */
  kafkaPort?: number;
  controllerPort?: number;
  registryPort?: number;
  /** Start Apicurio too (default true). */
  registry?: boolean;
  /** KafkaSQL journal topic of the registry (default `kafkasql-journal`). */
  journalTopic?: string;
  kafkaHeapMb?: number;
  /** The whole `dir` is deleted by the watchdog if this process dies without stopping the stack. */
  temporary?: boolean;
  javaBin?: string;
  mvnBin?: string;
  mavenRepoLocal?: string;
  logger?: Logger;
  /**
   * Restart a crashed broker or registry (same ports, same data) with this backoff, logging each
   * restart; `onGiveUp` is called once the policy gives up. Omitted: nothing is restarted.
   */
  restart?: RestartPolicy & { readonly onGiveUp?: (message: string) => void };
}

export interface LocalStack {
  readonly brokers: string[];
  /** Confluent-compatible registry base URL, when a registry was started. */
  readonly registryUrl?: string;
  /** Milliseconds spent in each phase, for the README figures and start-up banners. */
  readonly timings: { preflightMs: number; resolveMs: number; kafkaMs: number; registryMs: number };
  /** Process ids of the broker and the registry now running (they change when restarted). */
  pids(): { kafka: number; registry?: number };
  stop(): Promise<void>;
}

/** Preflight, resolve (only what is missing), start Kafka, then the registry on top of it. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const logger = options.logger ?? silentLogger;
  const withRegistry = options.registry ?? true;
  const clock = () => Date.now();
  let t = clock();
  const ports = [
    { port: options.kafkaPort, what: 'Kafka' },
    { port: options.controllerPort, what: 'Kafka controller' },
    { port: withRegistry ? options.registryPort : undefined, what: 'schema registry' },
  ].filter((p): p is { port: number; what: string } => p.port !== undefined);
  await preflight({ javaBin: options.javaBin, mvnBin: options.mvnBin, needMaven: !isResolved(options.cacheDir), ports });
  const preflightMs = clock() - t;

  t = clock();
  const resolveOptions = { cacheDir: options.cacheDir, mvnBin: options.mvnBin, mavenRepoLocal: options.mavenRepoLocal, logger };
  const kafkaRuntime = await resolveKafka(resolveOptions);
  const registryRuntime = withRegistry ? await resolveRegistry(resolveOptions) : undefined;
  const resolveMs = clock() - t;

  t = clock();
  const kafkaPort = options.kafkaPort ?? (await freePort());
  const controllerPort = options.controllerPort ?? (await freePort());
  const startBroker = () => startKafka({
    runtime: kafkaRuntime,
    dataDir: join(options.dir, 'kafka'),
    logDir: join(options.dir, 'logs'),
    port: kafkaPort,
    controllerPort,
    heapMb: options.kafkaHeapMb,
    javaBin: options.javaBin,
    orphanCleanupDir: options.temporary ? options.dir : undefined,
    logger,
  });
  const kafka: KafkaHandle = await startBroker();
  const kafkaMs = clock() - t;

  t = clock();
  let registry: RegistryHandle | undefined;
  const registryPort = withRegistry ? (options.registryPort ?? (await freePort())) : 0;
  const startRegistryAgain = (runtime: NonNullable<typeof registryRuntime>) =>
    startRegistry({ runtime, brokers: kafka.brokers, port: registryPort, logDir: join(options.dir, 'logs'), journalTopic: options.journalTopic, javaBin: options.javaBin, logger });
  if (registryRuntime) {
    try {
      registry = await startRegistryAgain(registryRuntime);
    } catch (error) {
      await kafka.stop();
      throw error;
    }
  }
  const registryMs = clock() - t;

  const { restart } = options;
  const watch = <T extends KafkaHandle | RegistryHandle>(name: string, first: T, again: () => Promise<T>) =>
    new Supervisor(first, { name, restart: again, policy: restart, logger, ...(restart?.onGiveUp ? { onGiveUp: restart.onGiveUp } : {}) });
  const supervisedKafka = restart ? watch('kafka', kafka, startBroker) : undefined;
  const supervisedRegistry = restart && registry && registryRuntime ? watch('registry', registry, () => startRegistryAgain(registryRuntime)) : undefined;

  return {
    brokers: kafka.brokers,
    registryUrl: registry?.url,
    timings: { preflightMs, resolveMs, kafkaMs, registryMs },
    pids: () => ({ kafka: (supervisedKafka?.current ?? kafka).pid, ...(registry ? { registry: (supervisedRegistry?.current ?? registry).pid } : {}) }),
    stop: async () => {
      await (supervisedRegistry ?? registry)?.stop();
      await (supervisedKafka ?? kafka).stop();
    },
  };
}
