module.exports = { ...require('../../jest.preset.cjs'), displayName: 'stomp', rootDir: __dirname };
