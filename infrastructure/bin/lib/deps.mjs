// Installs node_modules with `npm ci` when they are missing (fresh clone), before anything imports them.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { withLocalNodeDir } from './node-headers.mjs';
import { fromRoot, root } from './paths.mjs';

export function ensureDependencies() {
  if (existsSync(fromRoot('node_modules', 'kafkajs')) && existsSync(fromRoot('node_modules', 'tsx'))) return;
  // better-sqlite3 is built by node-gyp: use the running Node's own headers when it has them (no download).
  const env = withLocalNodeDir(process.env);
  const nodedir = env.npm_config_nodedir ?? env.NPM_CONFIG_NODEDIR;
  console.log(`[infra] node_modules missing: running npm ci (Node headers: ${nodedir ?? "node-gyp's default download"})`);
  const result = spawnSync('npm', ['ci'], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(
      'error: npm ci failed — fix the error above (Node 20, 22 or 24, python3, make and a C++ compiler for better-sqlite3, ' +
        'and a reachable npm registry are needed), then run again',
    );
    process.exit(result.status ?? 1);
  }
}
