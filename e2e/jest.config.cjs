// Black-box suites: apps run as child processes against the broker of `npm test` (or a throw-away one).
// Timeouts are set per test in the specs: a multi-project run ignores a project's testTimeout.
module.exports = { ...require('../jest.broker-preset.cjs'), displayName: 'e2e', rootDir: __dirname };
