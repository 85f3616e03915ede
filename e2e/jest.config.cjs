// Black-box suites: apps run as child processes against the broker of `npm test` (or a throw-away one).
module.exports = { ...require('../jest.broker-preset.cjs'), displayName: 'e2e', rootDir: __dirname, testTimeout: 240000 };
