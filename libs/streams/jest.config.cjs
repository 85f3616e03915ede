module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'streams', rootDir: __dirname };
