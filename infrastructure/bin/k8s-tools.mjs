#!/usr/bin/env node
// `node infrastructure/bin/k8s-tools.mjs [tool…]` (default: helm kubeconform schemas; also kwok, etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler, and `cluster` = etcd kube-apiserver
// kube-controller-manager kwok, the control plane of the CLI's Kubernetes driver spec): builds the Kubernetes
// tools the chart's tests use from their Go modules into ${PLATFORM_CACHE_DIR:-~/.cache/kafka-chat-platform}/go-bin
// (lib/k8s-tools.mjs) and writes kubeconform's schemas from Kubernetes' own OpenAPI document (lib/k8s-schemas.mjs);
// a second run finds everything cached. Prints each path.
import { ensureK8sSchemas } from './lib/k8s-schemas.mjs';
import { defaultK8sTools, ensureK8sTools, k8sTools } from './lib/k8s-tools.mjs';

// What `nx run helm:test-cluster` starts (apps/cli/src/drivers/kubernetes/testing/cluster.ts); no kube-scheduler: its pods are pinned to the kwok node.
const groups = { cluster: ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kwok'] };
const known = [...Object.keys(k8sTools), 'schemas', ...Object.keys(groups)];
const args = process.argv.slice(2).flatMap((name) => groups[name] ?? [name]);
for (const name of args) {
  if (!known.includes(name)) {
    console.error(`error: unknown tool ${name} (known: ${known.join(', ')})`);
    process.exit(2);
  }
}
const names = args.length > 0 ? args : [...defaultK8sTools, 'schemas'];
const started = Date.now();
try {
  const { paths } = ensureK8sTools(names.filter((n) => n !== 'schemas'));
  for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
  if (names.includes('schemas')) console.log(`schemas: ${ensureK8sSchemas().location}`);
  console.log(`[k8s-tools] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
