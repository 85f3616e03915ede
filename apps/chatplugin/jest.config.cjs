// Unit specs (router through the test driver, tokens, config) need no broker; `*.broker.spec.ts` runs two
// instances against the shared broker (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or a throw-away stack).
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'chatplugin', rootDir: __dirname };
