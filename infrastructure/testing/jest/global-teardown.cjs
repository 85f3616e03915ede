// Jest global teardown: stops the stack the global setup started (if it started one) and removes its temp dir.
const { rmSync } = require('node:fs');

module.exports = async () => {
  const started = globalThis.__platformTestStack;
  if (!started) return;
  globalThis.__platformTestStack = undefined;
  await started.stack.stop();
  rmSync(started.dir, { recursive: true, force: true });
  delete process.env.KAFKA_BROKERS;
  delete process.env.SCHEMA_REGISTRY_URL;
};
