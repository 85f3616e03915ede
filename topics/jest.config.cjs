module.exports = { ...require('../jest.broker-preset.cjs'), displayName: 'topics', rootDir: __dirname };
