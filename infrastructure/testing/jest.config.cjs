module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'testing', rootDir: __dirname };
