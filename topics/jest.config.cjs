module.exports = { ...require('../jest.preset.cjs'), displayName: 'topics', rootDir: __dirname };
