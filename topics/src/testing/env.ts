/**
 * Test-only broker access. Temporary local helper until @platform/testing provides `kafkaBrokers()`,
 * `uniqueName()` and `waitFor()`; specs are the only importers.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export function kafkaBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set (e.g. 127.0.0.1:9092)');
  return brokers.split(',').map((broker) => broker.trim());
}

/** Lower-case, dot-free: usable as a topic namespace. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function newKafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, { timeoutMs = 15000, intervalMs = 200 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
