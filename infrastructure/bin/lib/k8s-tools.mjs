// The Kubernetes tools the chart's tests need, built from their Go modules with the machine's Go toolchain
// (`go install`, GOTOOLCHAIN=local) into ${PLATFORM_CACHE_DIR:-~/.cache/kafka-chat-platform}/go-bin. The Go module
// and build caches live under the same directory (go-mod/, go-build/), so caching that one directory in CI makes a
// second run build nothing. Binaries are never committed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** name → Go package and version. Pinned: helm's go.mod and kubeconform's have no replace directives. */
export const k8sTools = Object.freeze({
  helm: { pkg: 'helm.sh/helm/v3/cmd/helm', version: 'v3.21.4' },
  kubeconform: { pkg: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.7.0' },
});

export function platformCacheDir(env = process.env) {
  return env.PLATFORM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'kafka-chat-platform');
}

export const goBinDir = (env = process.env) => join(platformCacheDir(env), 'go-bin');

/** Path of an installed tool, or undefined when it is missing or was built from another version. */
export function installedTool(name, env = process.env) {
  const tool = k8sTools[name];
  if (!tool) throw new Error(`unknown tool ${name}`);
  const exe = join(goBinDir(env), name);
  const marker = `${exe}.version`;
  if (!existsSync(exe) || !existsSync(marker)) return undefined;
  return readFileSync(marker, 'utf8').trim() === `${tool.pkg}@${tool.version}` ? exe : undefined;
}

/** Builds every missing tool; returns {name: path} and the seconds each build took (0 when cached). */
export function ensureK8sTools(names = Object.keys(k8sTools), { env = process.env, log = console.log } = {}) {
  const cache = platformCacheDir(env);
  const bin = goBinDir(env);
  mkdirSync(bin, { recursive: true });
  const goEnv = {
    ...env,
    GOBIN: bin,
    GOMODCACHE: env.GOMODCACHE || join(cache, 'go-mod'),
    GOCACHE: env.GOCACHE || join(cache, 'go-build'),
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOFLAGS: '-trimpath',
  };
  const paths = {};
  const seconds = {};
  for (const name of names) {
    const cached = installedTool(name, env);
    if (cached) {
      paths[name] = cached;
      seconds[name] = 0;
      continue;
    }
    const { pkg, version } = k8sTools[name];
    const started = Date.now();
    log(`[k8s-tools] go install ${pkg}@${version}`);
    const result = spawnSync('go', ['install', `${pkg}@${version}`], { env: goEnv, stdio: 'inherit' });
    if (result.error) throw new Error(`go is needed to build ${name} (${result.error.message}); install Go 1.26+`);
    if (result.status !== 0) throw new Error(`go install ${pkg}@${version} failed (exit ${result.status ?? result.signal})`);
    writeFileSync(join(bin, `${name}.version`), `${pkg}@${version}\n`);
    seconds[name] = (Date.now() - started) / 1000;
    log(`[k8s-tools] ${name} ${version} built in ${seconds[name].toFixed(1)} s`);
    paths[name] = join(bin, name);
  }
  return { paths, seconds };
}
