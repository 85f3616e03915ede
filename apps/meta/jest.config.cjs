// Unit specs (signature, routers) need no broker; `meta.broker.spec.ts` runs the app against the shared
// broker (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or a throw-away stack) and a local Graph API.
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'meta', rootDir: __dirname };
