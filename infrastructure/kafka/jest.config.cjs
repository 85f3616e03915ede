module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'infra-kafka', rootDir: __dirname };
