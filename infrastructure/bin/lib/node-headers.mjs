// Where node-gyp finds Node's headers. better-sqlite3 is compiled from source during `npm ci`; node-gyp's default
// downloads the headers of the running Node from nodejs.org. When the running Node ships its own headers beside
// it (official tarball, nvm, Homebrew: <prefix>/include/node/node.h; Debian's nodejs: /usr/include/node), we point
// npm_config_nodedir at that prefix instead, so no download is needed. Otherwise node-gyp's default is left alone.
// Run directly, it prints the directory (or nothing): `.ci/run` uses that before `npm ci`.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<prefix>` of the Node at `execPath` (…/bin/node) when `<prefix>/include/node/node.h` exists, else undefined. */
export function localNodeDir(execPath = process.execPath) {
  const candidates = [execPath];
  try {
    candidates.push(realpathSync(execPath));
  } catch {
    // a path that does not resolve only keeps its literal form
  }
  for (const exe of candidates) {
    const prefix = dirname(dirname(exe));
    if (existsSync(join(prefix, 'include', 'node', 'node.h'))) return prefix;
  }
  return undefined;
}

/** `env` plus npm_config_nodedir for the local headers, unless the caller already chose a nodedir. */
export function withLocalNodeDir(env = process.env, execPath = process.execPath) {
  if (env.npm_config_nodedir || env.NPM_CONFIG_NODEDIR) return env;
  const dir = localNodeDir(execPath);
  return dir ? { ...env, npm_config_nodedir: dir } : env;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dir = localNodeDir();
  if (dir) console.log(dir);
}
