module.exports = { ...require('../../jest.preset.cjs'), displayName: 'chat-domain', rootDir: __dirname };
