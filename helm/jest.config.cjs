// Chart specs: render the chart with the real helm (built from its Go module by infrastructure/bin/k8s-tools.mjs)
// and check the manifests; the wait/apply-topics tools of the image run against the real broker.
module.exports = { ...require('../jest.broker-preset.cjs'), displayName: 'helm', rootDir: __dirname };
