// `npm test` runs every project in one Jest run against one broker started by infrastructure/bin/test.mjs.
module.exports = {
  // Global option: project presets cannot set it for a multi-project run.
  testTimeout: 60000,
  projects: ['<rootDir>/{apps,libs,infrastructure}/*/jest.config.cjs', '<rootDir>/topics/jest.config.cjs', '<rootDir>/e2e/jest.config.cjs'],
};
