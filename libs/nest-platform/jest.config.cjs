module.exports = { ...require('../../jest.preset.cjs'), displayName: 'nest-platform', rootDir: __dirname };
