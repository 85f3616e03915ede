import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkaJsConnection } from '@platform/config';
import { createSchemaRegistry, type SchemaRegistryClient } from '@platform/schemas';
import type { CliConfig } from './config';
import type { PlatformDriver } from './drivers/driver';
import type { Output } from './output/output';

/** What a command works with; clients are created on first use and closed by `close()`. */
export interface CliContext {
  readonly config: CliConfig;
  readonly out: Output;
  readonly kafka: Kafka;
  admin(): Promise<Admin>;
  registry(): SchemaRegistryClient;
  driver(): Promise<PlatformDriver>;
  /** Registers cleanup run by `close()` (consumers, producers), last registered first. */
  defer(cleanup: () => Promise<void>): void;
  close(): Promise<void>;
  /** Aborted on Ctrl-C: long loops stop at the next record. */
  readonly signal: AbortSignal;
  readonly now: () => number;
}

export interface ContextOptions {
  readonly config: CliConfig;
  readonly out: Output;
  readonly createDriver: (config: CliConfig) => Promise<PlatformDriver>;
  readonly signal?: AbortSignal;
  readonly kafka?: Kafka;
  readonly now?: () => number;
}

export function createContext(options: ContextOptions): CliContext {
  const { config, out } = options;
  const kafka = options.kafka ?? new Kafka({ clientId: 'platform-cli', ...kafkaJsConnection(config.kafka), logLevel: logLevel.NOTHING, connectionTimeout: 5000, retry: { retries: 3 } });
  const cleanups: (() => Promise<void>)[] = [];
  let admin: Promise<Admin> | undefined;
  let registry: SchemaRegistryClient | undefined;
  let driver: Promise<PlatformDriver> | undefined;
  return {
    config,
    out,
    kafka,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? Date.now,
    admin() {
      admin ??= (async () => {
        const client = kafka.admin();
        await client.connect();
        cleanups.push(() => client.disconnect());
        return client;
      })();
      return admin;
    },
    registry() {
      registry ??= createSchemaRegistry({ url: config.registry.url, clientId: 'platform-cli', ...(config.registry.auth ? { auth: config.registry.auth } : {}) });
      return registry;
    },
    driver() {
      driver ??= options.createDriver(config).then((created) => {
        cleanups.push(() => created.close());
        return created;
      });
      return driver;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    },
  };
}
