// Unit specs (token, router, signature) need no broker; `sources.broker.spec.ts` runs the app against the
// shared broker (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or a throw-away stack) and a local action endpoint.
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'sources', rootDir: __dirname };
