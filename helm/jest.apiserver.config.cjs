// Opt-in specs against a real kube-apiserver + etcd (`npx nx run helm:test-apiserver`): not in `npm test`, because
// building kube-apiserver from its Go module takes 10–25 minutes on a cold cache.
module.exports = { ...require('../jest.preset.cjs'), displayName: 'helm-apiserver', rootDir: __dirname, testMatch: ['**/*.apiserver-spec.ts'], testTimeout: 300000 };
