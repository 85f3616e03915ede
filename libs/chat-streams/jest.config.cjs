module.exports = { ...require('../../jest.broker-preset.cjs'), displayName: 'chat-streams', rootDir: __dirname };
