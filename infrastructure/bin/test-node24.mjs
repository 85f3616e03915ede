#!/usr/bin/env node
// `npm run test:node24 [-- jest args]`: runs the unit specs (jest.unit.config.cjs: every spec that needs no broker)
// on Node 24, while the main run stays on the Node that runs this script. Node 24 comes from the npm registry's
// `node` package (its install script fetches node-<platform>-<arch>, binary and headers), cached with
// better-sqlite3 rebuilt for it under ${PLATFORM_CACHE_DIR:-~/.cache/kafka-chat-platform}/node24, so a second run
// downloads and compiles nothing. The workspace's node_modules are not touched: Jest maps `better-sqlite3` to
// the Node 24 build (the only ABI-specific addon; @swc/core and the Nx/unrs binaries use N-API).
// NODE24_VERSION picks the version. Default 24.18.1: better-sqlite3 12.x (node::ObjectWrap) built against the
// headers of Node 24.19 or later aborts at random when V8 collects a Statement ("Assertion failed: (env) !=
// nullptr" in RemoveEnvironmentCleanupHook, nodejs/node#65446; seen here with 24.21.0 in the unit pass), while a
// build against 24.18.1 headers runs cleanly. better-sqlite3 13 (N-API) avoids it but needs Node 22.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ensureDependencies } from './lib/deps.mjs';
import { localNodeDir } from './lib/node-headers.mjs';
import { fromRoot, root } from './lib/paths.mjs';

ensureDependencies();
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (text) => console.log(`[node24] ${text}`);
const die = (text) => {
  console.error(`error: ${text}`);
  process.exit(1);
};

const cacheDir =
  process.env.PLATFORM_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache'), 'kafka-chat-platform');
const base = join(cacheDir, 'node24');
const wanted = process.env.NODE24_VERSION || '24.18.1';
if (!/^24(\.\d+){0,2}$/.test(wanted)) die(`NODE24_VERSION must be 24, 24.x or 24.x.y (got ${wanted})`);

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) die(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** The node binary of a `node` package install: node_modules/node/node_modules/node-<platform>-<arch>/bin/node. */
function nodeBinaryIn(prefix) {
  const inner = join(prefix, 'node_modules', 'node', 'node_modules');
  if (!existsSync(inner)) return undefined;
  const arch = readdirSync(inner).find((name) => /^node-[a-z0-9]+-[a-z0-9]+$/.test(name) && existsSync(join(inner, name, 'bin', 'node')));
  return arch ? join(inner, arch, 'bin', 'node') : undefined;
}

function versionOf(exe) {
  const result = spawnSync(exe, ['-p', 'process.version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const matches = (version) => version !== undefined && `${version.slice(1)}.`.startsWith(`${wanted}.`);

// 1. Node 24 itself.
const runtimeDir = join(base, 'runtime');
let node = nodeBinaryIn(runtimeDir);
let nodeVersion = node && versionOf(node);
if (matches(nodeVersion)) {
  log(`Node ${nodeVersion} from the cache (${node})`);
} else {
  const t = Date.now();
  const staging = `${runtimeDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  run('npm', ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${wanted}`]);
  const staged = nodeBinaryIn(staging);
  if (!staged || !matches(versionOf(staged))) {
    die(`npm install node@${wanted} left no working Node ${wanted} binary in ${staging} (were install scripts blocked?)`);
  }
  rmSync(runtimeDir, { recursive: true, force: true });
  renameSync(staging, runtimeDir);
  node = nodeBinaryIn(runtimeDir);
  nodeVersion = versionOf(node);
  log(`Node ${nodeVersion} installed from the npm registry in ${seconds(t)} (${node})`);
}
const nodeDir = localNodeDir(node);
if (!nodeDir) die(`${dirname(dirname(node))} has no include/node/node.h: cannot build better-sqlite3 for ${nodeVersion}`);

// 2. better-sqlite3 built for it, in its own install dir (the workspace keeps its build for the main Node).
const sqliteVersion = JSON.parse(readFileSync(fromRoot('node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
const sqlitePrefix = join(base, `better-sqlite3-${sqliteVersion}-node-${nodeVersion}`);
const sqliteDir = join(sqlitePrefix, 'node_modules', 'better-sqlite3');
const probe = (dir) =>
  spawnSync(node, ['-e', `const D=require(${JSON.stringify(dir)});process.stdout.write(new D(':memory:').prepare('select sqlite_version() v').get().v)`], {
    encoding: 'utf8',
  });
let sqliteCheck = existsSync(sqliteDir) ? probe(sqliteDir) : undefined;
if (sqliteCheck?.status === 0) {
  log(`better-sqlite3 ${sqliteVersion} for ${nodeVersion} from the cache (SQLite ${sqliteCheck.stdout})`);
} else {
  const t = Date.now();
  const staging = `${sqlitePrefix}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // npm and node-gyp run on Node 24 (first on PATH) against its own headers: no nodejs.org download.
  // JOBS=max: make compiles SQLite's amalgamation and the addon side by side (node-gyp's default is one job).
  const env = {
    ...process.env,
    PATH: `${dirname(node)}${delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
    JOBS: process.env.JOBS || 'max',
  };
  delete env.NPM_CONFIG_NODEDIR;
  log(`building better-sqlite3 ${sqliteVersion} for ${nodeVersion} (npm_config_nodedir=${nodeDir})`);
  run('npm', ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `better-sqlite3@${sqliteVersion}`], { env });
  rmSync(sqlitePrefix, { recursive: true, force: true });
  renameSync(staging, sqlitePrefix);
  sqliteCheck = probe(sqliteDir);
  if (sqliteCheck.status !== 0) die(`better-sqlite3 built for ${nodeVersion} does not load:\n${sqliteCheck.stderr}`);
  log(`better-sqlite3 ${sqliteVersion} built for ${nodeVersion} in ${seconds(t)} (SQLite ${sqliteCheck.stdout})`);
}

// 3. The unit specs on Node 24, with no broker in the environment (a spec needing one fails loudly).
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const args = process.argv.slice(2);
const env = { ...process.env, UNIT_BETTER_SQLITE3_DIR: sqliteDir };
for (const name of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL']) delete env[name];
const t = Date.now();
log(`$ ${node} ${jestBin} -c jest.unit.config.cjs ${args.join(' ')}`.trimEnd());
const jest = spawn(node, [jestBin, '-c', 'jest.unit.config.cjs', ...args], { cwd: root, stdio: 'inherit', env });
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => jest.kill('SIGTERM'));
const code = await new Promise((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
log(`unit specs on ${nodeVersion}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(t)}; whole step ${seconds(started)}`);
process.exit(code);
