// `npm test` runs every project in one Jest run against one broker started by infrastructure/bin/test.mjs.
module.exports = {
  projects: ['<rootDir>/{apps,libs,e2e,infrastructure}/*/jest.config.cjs', '<rootDir>/topics/jest.config.cjs'],
};
