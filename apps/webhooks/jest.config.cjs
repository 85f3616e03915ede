// Unit specs (signatures, URL policy, key cipher, lanes through the test driver, config) need no broker;
// `*.broker.spec.ts` runs the app against the shared broker with real HTTP subscribers on loopback.
module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'webhooks', rootDir: __dirname };
