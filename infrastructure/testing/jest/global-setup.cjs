// Jest global setup: gives specs a real Kafka + Apicurio registry.
// If KAFKA_BROKERS is already set (npm test, CI with an external cluster, the dev broker) it does nothing.
// Otherwise it starts a throw-away stack in a temp dir on free ports through the same code as `npm test`
// (infrastructure/bin/lib/stack.mjs) and exports its addresses; a watchdog kills the JVMs and removes the
// dir if this Jest process dies without running the teardown.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async () => {
  if (process.env.KAFKA_BROKERS) return;
  const { bringUp, stackEnv } = await import('../../bin/lib/stack.mjs');
  const { consoleLogger } = await import('../../bin/lib/log.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'kcp-jest-'));
  let stack;
  try {
    stack = await bringUp({ dir, temporary: true, logger: consoleLogger('jest') });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  Object.assign(process.env, stackEnv(stack));
  globalThis.__platformTestStack = { stack, dir };
  process.stderr.write(`\n[jest] Kafka ${process.env.KAFKA_BROKERS} + registry ${stack.registryUrl} started in ${(stack.startMs / 1000).toFixed(1)} s\n`);
};
