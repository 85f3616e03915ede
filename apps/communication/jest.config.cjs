// Unit specs (topology through the test driver, config, services) need no broker; `*.broker.spec.ts`
// starts two instances against the shared broker (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or a throw-away stack).
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'communication', rootDir: __dirname };
