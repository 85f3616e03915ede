// Unit specs (argument parsing, plans, rendering) need no broker; `*.broker.spec.ts` run the commands against
// the shared broker and registry (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or a throw-away stack).
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'cli', rootDir: __dirname };
