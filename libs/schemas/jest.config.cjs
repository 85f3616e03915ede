module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'schemas', rootDir: __dirname };
