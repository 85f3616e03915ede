module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'nest-streams', rootDir: __dirname };
