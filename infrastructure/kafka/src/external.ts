import { Kafka, logLevel } from 'kafkajs';
import type { ExternalKafkaConfig, ExternalRegistryConfig } from '@platform/config';
import { kafkaJsConnection } from '@platform/config';
import { UnreachableError } from './errors';

/** Resolves when the cluster answers a metadata request; otherwise one-line UnreachableError. */
export async function checkKafkaReachable(config: ExternalKafkaConfig, timeoutMs = 10_000): Promise<void> {
  const admin = new Kafka({ clientId: 'infra-reachability', ...kafkaJsConnection(config), logLevel: logLevel.NOTHING, connectionTimeout: timeoutMs, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new UnreachableError(`Kafka at ${config.brokers.join(',')} is unreachable (${reason}) — check KAFKA_BROKERS, TLS/SASL settings, or unset KAFKA_BROKERS to start a local broker`, { cause });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Resolves when GET <url>/subjects answers 200; otherwise one-line UnreachableError. */
export async function checkRegistryReachable(config: ExternalRegistryConfig, timeoutMs = 10_000): Promise<void> {
  const headers: Record<string, string> = {};
  if (config.auth) headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
  let problem: string;
  try {
    const response = await fetch(`${config.url}/subjects`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return;
    problem = `HTTP ${response.status}`;
  } catch (cause) {
    problem = cause instanceof Error ? cause.message : String(cause);
  }
  throw new UnreachableError(`schema registry at ${config.url} does not answer GET /subjects (${problem}) — check SCHEMA_REGISTRY_URL (the Confluent-compatible base) and credentials, or unset it to start a local registry`);
}
