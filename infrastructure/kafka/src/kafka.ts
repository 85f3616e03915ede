import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Logger, silentLogger } from '@platform/common';
import { StartError } from './errors';
import { exec, tail } from './internals/exec';
import { spawnJvm } from './internals/jvm';
import { waitUntil } from './internals/wait';
import { kafkaLog4j2Properties, kafkaServerProperties, newClusterId } from './kafka-config';
import { KafkaRuntime } from './resolve';
import type { ProcessExit } from './supervise';

export interface StartKafkaOptions {
  runtime: KafkaRuntime;
  /** Topic data; formatted on first start and kept afterwards (a temp dir for tests). */
  dataDir: string;
  /** server.properties, log4j2.properties and kafka.log are written here. */
  logDir: string;
  port: number;
  controllerPort: number;
  host?: string;
  heapMb?: number;
  javaBin?: string;
  /** Extra or overriding server.properties entries. */
  properties?: Record<string, string | number | boolean>;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Kill the JVM when this Node process dies (default true). */
  dieWithParent?: boolean;
  /** Removed by the watchdog if it has to kill an orphaned broker (temporary stacks only). */
  orphanCleanupDir?: string;
  logger?: Logger;
}

export interface KafkaHandle {
  /** host:port list for clients. */
  readonly brokers: string[];
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the broker process ends (stopped or crashed). */
  readonly exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

async function formatStorage(options: StartKafkaOptions, javaBin: string, classpath: string, configFile: string): Promise<void> {
  if (existsSync(join(options.dataDir, 'meta.properties'))) return;
  const args = ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', configFile, '--ignore-formatted'];
  const result = await exec(javaBin, args, { cwd: options.logDir });
  if (result.code !== 0) {
    const output = tail(result.stdout + result.stderr, 10);
    throw new StartError(`formatting Kafka storage in ${options.dataDir} failed — delete that directory and start again`, output);
  }
}

/** Starts a single-node KRaft broker and resolves once an admin client gets cluster metadata from it. */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaHandle> {
  const host = options.host ?? '127.0.0.1';
  const javaBin = options.javaBin ?? 'java';
  const heapMb = options.heapMb ?? 512;
  const logger = options.logger ?? silentLogger;
  const classpath = join(options.runtime.libsDir, '*');
  mkdirSync(options.dataDir, { recursive: true });
  mkdirSync(options.logDir, { recursive: true });
  const configFile = join(options.logDir, 'server.properties');
  const log4jFile = join(options.logDir, 'log4j2.properties');
  const logFile = join(options.logDir, 'kafka.log');
  const config = { dataDir: options.dataDir, port: options.port, controllerPort: options.controllerPort, host, extra: options.properties };
  writeFileSync(configFile, kafkaServerProperties(config));
  writeFileSync(log4jFile, kafkaLog4j2Properties);
  await formatStorage(options, javaBin, classpath, configFile);

  const jvmArgs = [`-Xms${Math.min(256, heapMb)}m`, `-Xmx${heapMb}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];
  const args = [...jvmArgs, `-Dlog4j2.configurationFile=file:${log4jFile}`, `-Dkafka.logs.dir=${options.logDir}`, '-cp', classpath, 'kafka.Kafka', configFile];
  logger.info('starting Kafka', { port: options.port, dataDir: options.dataDir });
  const jvm = spawnJvm({ name: 'Kafka', javaBin, args, cwd: options.logDir, logFile, dieWithParent: options.dieWithParent, orphanCleanupDir: options.orphanCleanupDir });
  const brokers = [`${host}:${options.port}`];
  const admin = new Kafka({ clientId: 'infra-readiness', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await waitUntil(
      async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      },
      { timeoutMs: options.startTimeoutMs ?? 90_000, intervalMs: 300, abortIf: () => (jvm.hasExited() ? 'the Kafka JVM exited' : undefined) },
    );
  } catch (error) {
    await jvm.stop(1000);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartError(`Kafka on ${brokers[0]} did not become ready (${reason}) — see ${logFile}`, jvm.logTail());
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return { brokers, pid: jvm.pid, logFile, exited: jvm.exit, stop: () => jvm.stop(options.stopTimeoutMs ?? 20_000) };
}
