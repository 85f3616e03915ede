module.exports = { ...require('../../jest.preset.cjs'), displayName: 'common', rootDir: __dirname };
