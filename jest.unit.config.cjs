// The unit specs only: every project's specs that need no broker (see infrastructure/testing/jest/unit-specs.cjs
// for how they are told apart), with no global setup, so no Kafka or registry is started. Used by the Node 24
// pass of CI (infrastructure/bin/test-node24.mjs); `npx jest -c jest.unit.config.cjs` runs it on the current Node.
const path = require('node:path');
const { classifySpecs, unitProjectDirs } = require('./infrastructure/testing/jest/unit-specs.cjs');


const escape = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// On another Node line (infrastructure/bin/test-node24.mjs) better-sqlite3 comes from a build for that Node.
const betterSqlite3 = process.env.UNIT_BETTER_SQLITE3_DIR;

const projects = [];
for (const dir of unitProjectDirs) {
  const { unit } = classifySpecs(dir);
  if (unit.length === 0) continue;
  const own = require(path.join(dir, 'jest.config.cjs'));
  // The project's own settings on the plain preset: no globalSetup/globalTeardown (no throw-away stack).
  // (reporters are a global option, set below: Jest warns about them in a project config).
  const { globalSetup, globalTeardown, reporters, ...rest } = own;
  void globalSetup;
  void globalTeardown;
  void reporters;
  const moduleNameMapper = betterSqlite3 ? { ...rest.moduleNameMapper, '^better-sqlite3$': betterSqlite3 } : rest.moduleNameMapper;
  projects.push({ ...rest, moduleNameMapper, testMatch: undefined, testRegex: unit.map((file) => `^${escape(file)}$`) });
}

module.exports = {
  reporters: ['default', path.join(__dirname, 'infrastructure/testing/jest/exit-guard-reporter.cjs')],
  testTimeout: 60000,
  projects,
};
