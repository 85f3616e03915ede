// Jest global setup: gives specs a real Kafka + Apicurio registry.
// If KAFKA_BROKERS is already set (npm test, CI with an external cluster, the dev broker) it does nothing.
// Otherwise it starts a throw-away stack in a temp dir on free ports and exports its addresses;
// a watchdog kills the JVMs and removes the dir if this Jest process dies without running the teardown.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');

module.exports = async () => {
  if (process.env.KAFKA_BROKERS) return;
  process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || path.join(root, 'tsconfig.base.json');
  const unregister = require('tsx/cjs/api').register();
  let infra;
  try {
    infra = require(path.join(root, 'infrastructure/kafka/src/index.ts'));
  } finally {
    unregister();
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kcp-jest-'));
  const started = Date.now();
  let stack;
  try {
    stack = await infra.startLocalStack({ cacheDir: infra.cacheDirFromEnv(process.env), dir, temporary: true });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  process.env.KAFKA_BROKERS = stack.brokers.join(',');
  process.env.SCHEMA_REGISTRY_URL = stack.registryUrl;
  globalThis.__platformTestStack = { stack, dir };
  process.stderr.write(`\n[jest] Kafka ${process.env.KAFKA_BROKERS} + registry ${stack.registryUrl} started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
};
