import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, silentLogger } from '@platform/common';
import { StartError } from './errors';
import { spawnJvm } from './internals/jvm';
import { waitUntil } from './internals/wait';
import { RegistryRuntime } from './resolve';
import type { ProcessExit } from './supervise';

export interface StartRegistryOptions {
  runtime: RegistryRuntime;
  /** Kafka bootstrap servers for the KafkaSQL storage. */
  brokers: string[];
  port: number;
  /** registry.log and Quarkus' working files go here. */
  logDir: string;
  host?: string;
  heapMb?: number;
  javaBin?: string;
  /** KafkaSQL journal topic; must be distinct for every registry sharing one Kafka. Default `kafkasql-journal`. */
  journalTopic?: string;
  /** Global compatibility rule (what Confluent calls the global compatibility level). Default BACKWARD. */
  compatibility?: 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  dieWithParent?: boolean;
  logger?: Logger;
}

export interface RegistryHandle {
  /** Confluent-compatible API base, e.g. http://127.0.0.1:8080/apis/ccompat/v7 */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the registry process ends (stopped or crashed). */
  readonly exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

/**
 * Starts Apicurio Registry with KafkaSQL storage (its schemas live in a Kafka topic, so they survive restarts)
 * and resolves once the Confluent-compatible API lists subjects.
 */
export async function startRegistry(options: StartRegistryOptions): Promise<RegistryHandle> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const journalTopic = options.journalTopic ?? 'kafkasql-journal';
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, 'registry.log');
  const properties: Record<string, string> = {
    'quarkus.http.host': host,
    'quarkus.http.port': String(options.port),
    'quarkus.log.level': 'WARN',
    'apicurio.storage.kind': 'kafkasql',
    'apicurio.kafkasql.bootstrap.servers': options.brokers.join(','),
    'apicurio.kafkasql.topic': journalTopic,
    'apicurio.kafkasql.snapshots.topic': `${journalTopic}-snapshots`,
    'apicurio.rules.global.compatibility': options.compatibility ?? 'BACKWARD',
  };
  const args = [`-Xmx${options.heapMb ?? 384}m`, ...Object.entries(properties).map(([k, v]) => `-D${k}=${v}`), '-jar', options.runtime.runnerJar];
  logger.info('starting Apicurio Registry', { port: options.port, journalTopic });
  const jvm = spawnJvm({ name: 'Apicurio Registry', javaBin: options.javaBin ?? 'java', args, cwd: options.logDir, logFile, dieWithParent: options.dieWithParent });
  const url = `http://${host}:${options.port}/apis/ccompat/v7`;
  try {
    await waitUntil(
      async () => {
        const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
        return response.ok;
      },
      { timeoutMs: options.startTimeoutMs ?? 120_000, intervalMs: 500, abortIf: () => (jvm.hasExited() ? 'the registry JVM exited' : undefined) },
    );
  } catch (error) {
    await jvm.stop(1000);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartError(`Apicurio Registry on ${host}:${options.port} did not become ready (${reason}) — see ${logFile}`, jvm.logTail());
  }
  return { url, port: options.port, pid: jvm.pid, logFile, exited: jvm.exit, stop: () => jvm.stop(options.stopTimeoutMs ?? 20_000) };
}
