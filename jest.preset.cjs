// Shared Jest settings for every project: SWC transform, tsconfig path aliases.
// Projects whose specs need the real broker use jest.broker-preset.cjs instead.
const path = require('node:path');
const { paths } = require('./tsconfig.base.json').compilerOptions;

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

module.exports = {
  // Node's environment, failing a spec file that leaves a socket, server or process open (see the file).
  testEnvironment: path.join(__dirname, 'infrastructure/testing/jest/leak-checking-environment.cjs'),
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    // ESM-only packages (jose; @kubernetes/client-node and its OIDC dependencies) compiled to CommonJS for Jest's module system; Node loads them natively.
    '^.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@kubernetes/client-node|openid-client|oauth4webapi)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/*.spec.ts'],
  testTimeout: 60000,
};
