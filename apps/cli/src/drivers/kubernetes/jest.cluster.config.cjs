// Opt-in spec of the Kubernetes driver against a real control plane (`npx nx run helm:test-cluster`): not in
// `npm test`, because building kube-apiserver, kube-controller-manager, etcd and kwok from their Go modules takes
// about 25 minutes on a cold cache. Uses the broker in KAFKA_BROKERS (or starts a throw-away one).
module.exports = { ...require('../../../../../jest.broker-preset.cjs'), displayName: 'cli-kubernetes', rootDir: __dirname, testMatch: ['**/*.cluster-spec.ts'], testTimeout: 900000 };
