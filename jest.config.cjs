// `npm test` runs every project in one Jest run against one broker started by infrastructure/bin/test.mjs.
const path = require('node:path');

module.exports = {
  // Global option too: Jest must exit by itself after the run, or fail naming what holds it.
  reporters: ['default', path.join(__dirname, 'infrastructure/testing/jest/exit-guard-reporter.cjs')],
  // Global option: project presets cannot set it for a multi-project run.
  testTimeout: 60000,
  projects: ['<rootDir>/{apps,libs,infrastructure}/*/jest.config.cjs', '<rootDir>/topics/jest.config.cjs', '<rootDir>/helm/jest.config.cjs', '<rootDir>/e2e/jest.config.cjs'],
};
