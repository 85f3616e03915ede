// Jest settings for projects whose specs talk to the real broker and registry: when KAFKA_BROKERS is not
// set (a single project run such as `nx test topics`), the global setup starts a throw-away stack.
const path = require('node:path');

module.exports = {
  ...require('./jest.preset.cjs'),
  globalSetup: path.join(__dirname, 'infrastructure/testing/jest/global-setup.cjs'),
  globalTeardown: path.join(__dirname, 'infrastructure/testing/jest/global-teardown.cjs'),
};
