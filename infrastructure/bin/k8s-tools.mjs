#!/usr/bin/env node
// `node infrastructure/bin/k8s-tools.mjs [helm] [kubeconform]`: builds the Kubernetes tools the chart's tests use
// from their Go modules into ${PLATFORM_CACHE_DIR:-~/.cache/kafka-chat-platform}/go-bin (see lib/k8s-tools.mjs);
// a second run finds them cached and builds nothing. Prints each tool's path.
import { ensureK8sTools, k8sTools } from './lib/k8s-tools.mjs';

const names = process.argv.slice(2);
for (const name of names) {
  if (!(name in k8sTools)) {
    console.error(`error: unknown tool ${name} (known: ${Object.keys(k8sTools).join(', ')})`);
    process.exit(2);
  }
}
const started = Date.now();
try {
  const { paths } = ensureK8sTools(names.length > 0 ? names : undefined);
  for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
  console.log(`[k8s-tools] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
