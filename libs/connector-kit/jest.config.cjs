// Unit specs only (topology through the test driver, ingress, URL, secrets): no broker.
module.exports = { ...require('../../jest.preset.cjs'), displayName: 'connector-kit', rootDir: __dirname };
