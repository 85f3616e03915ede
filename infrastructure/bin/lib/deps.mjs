// Installs node_modules with `npm ci` when they are missing (fresh clone), before anything imports them.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fromRoot, root } from './paths.mjs';

export function ensureDependencies() {
  if (existsSync(fromRoot('node_modules', 'kafkajs')) && existsSync(fromRoot('node_modules', 'tsx'))) return;
  console.log('[infra] node_modules missing: running npm ci');
  const result = spawnSync('npm', ['ci'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('error: npm ci failed — fix the error above (Node 20 and a reachable npm registry are needed), then run again');
    process.exit(result.status ?? 1);
  }
}
