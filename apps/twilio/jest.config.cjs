// Unit specs (signature, router, sender against a local Twilio) need no broker; `twilio.broker.spec.ts`
// runs the app against the shared broker (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or a throw-away stack).
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'twilio', rootDir: __dirname };
