// The Kubernetes tools the chart's tests need, built from their Go modules with the machine's Go toolchain
// (GOTOOLCHAIN=local, CGO_ENABLED=0) into ${PLATFORM_CACHE_DIR:-~/.cache/kafka-chat-platform}/go-bin. The Go module
// and build caches live under the same directory (go-mod/, go-build/), so caching that one directory in CI makes a
// second run build nothing. Binaries are never committed.
//
// helm, kubeconform and kwok have no replace directives: `go install pkg@version`. kube-apiserver,
// kube-controller-manager, kube-scheduler and etcd cannot be `go install`ed (their go.mod files replace modules
// with local paths): they are built from a small wrapper module in go-wrap/<name>-<version>/ that requires the
// upstream module; for k8s.io/kubernetes every staging module it requires at v0.0.0 is replaced by its published
// v0.<minor>.<patch> (read from the module's own go.mod). Only helm and kubeconform are built by default.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const kubernetes = 'v1.36.3';
const kubernetesLdflags = `-s -w -X k8s.io/component-base/version.gitVersion=${kubernetes} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=36`;

/** name → how it is built. `module` set: built from a wrapper module that requires it. `optional`: not built by default. */
export const k8sTools = Object.freeze({
  helm: { pkg: 'helm.sh/helm/v3/cmd/helm', version: 'v3.21.4' },
  kubeconform: { pkg: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.7.0' },
  kwok: { pkg: 'sigs.k8s.io/kwok/cmd/kwok', version: 'v0.8.0', optional: true },
  etcd: { pkg: 'go.etcd.io/etcd/server/v3', module: 'go.etcd.io/etcd/server/v3', version: 'v3.6.5', optional: true },
  'kube-apiserver': { pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', module: 'k8s.io/kubernetes', version: kubernetes, staging: true, ldflags: kubernetesLdflags, optional: true },
  'kube-controller-manager': { pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', module: 'k8s.io/kubernetes', version: kubernetes, staging: true, ldflags: kubernetesLdflags, optional: true },
  'kube-scheduler': { pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', module: 'k8s.io/kubernetes', version: kubernetes, staging: true, ldflags: kubernetesLdflags, optional: true },
});

export const defaultK8sTools = Object.keys(k8sTools).filter((name) => !k8sTools[name].optional);

export function platformCacheDir(env = process.env) {
  return env.PLATFORM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'kafka-chat-platform');
}

export const goBinDir = (env = process.env) => join(platformCacheDir(env), 'go-bin');

const stamp = (tool) => `${tool.pkg}@${tool.version}`;

/** Path of an installed tool, or undefined when it is missing or was built from another version. */
export function installedTool(name, env = process.env) {
  const tool = k8sTools[name];
  if (!tool) throw new Error(`unknown tool ${name}`);
  const exe = join(goBinDir(env), name);
  const marker = `${exe}.version`;
  if (!existsSync(exe) || !existsSync(marker)) return undefined;
  return readFileSync(marker, 'utf8').trim() === stamp(tool) ? exe : undefined;
}

function go(args, options) {
  const result = spawnSync('go', args, { stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', ...options });
  if (result.error) throw new Error(`go is needed to build the Kubernetes tools (${result.error.message}); install Go 1.26+`);
  if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  return result.stdout;
}

/** The wrapper module of a tool that cannot be `go install`ed; returns its directory. */
function wrapperModule(name, tool, goEnv, cache) {
  const dir = join(cache, 'go-wrap', `${tool.module.replaceAll('/', '_')}-${tool.version}`);
  mkdirSync(dir, { recursive: true });
  const lines = [`module local/wrap`, '', 'go 1.26', '', `require ${tool.module} ${tool.version}`, ''];
  if (tool.staging) {
    const info = JSON.parse(go(['mod', 'download', '-json', `${tool.module}@${tool.version}`], { env: goEnv, cwd: dir, capture: true }));
    const published = tool.version.replace(/^v1\./, 'v0.');
    const staging = [...readFileSync(info.GoMod, 'utf8').matchAll(/^\s*(k8s\.io\/[a-z0-9-]+) v0\.0\.0$/gm)].map((m) => m[1]);
    if (staging.length === 0) throw new Error(`${tool.module}@${tool.version} requires no staging module at v0.0.0: the wrapper recipe no longer applies`);
    for (const module of staging) lines.push(`replace ${module} => ${module} ${published}`);
  }
  writeFileSync(join(dir, 'go.mod'), `${lines.join('\n')}\n`);
  return dir;
}

/** Builds every missing tool; returns {name: path} and the seconds each build took (0 when cached). */
export function ensureK8sTools(names = defaultK8sTools, { env = process.env, log = console.log } = {}) {
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
    GOFLAGS: '-mod=mod',
  };
  const paths = {};
  const seconds = {};
  for (const name of names) {
    const tool = k8sTools[name];
    if (!tool) throw new Error(`unknown tool ${name} (known: ${Object.keys(k8sTools).join(', ')})`);
    const cached = installedTool(name, env);
    if (cached) {
      paths[name] = cached;
      seconds[name] = 0;
      continue;
    }
    const started = Date.now();
    const ldflags = ['-ldflags', tool.ldflags ?? '-s -w'];
    if (tool.module) {
      log(`[k8s-tools] go build ${tool.pkg} (wrapper module requiring ${tool.module}@${tool.version})`);
      go(['build', '-trimpath', ...ldflags, '-o', join(bin, name), tool.pkg], { env: goEnv, cwd: wrapperModule(name, tool, goEnv, cache) });
    } else {
      log(`[k8s-tools] go install ${tool.pkg}@${tool.version}`);
      go(['install', '-trimpath', ...ldflags, `${tool.pkg}@${tool.version}`], { env: { ...goEnv, GOFLAGS: '' }, cwd: cache });
    }
    writeFileSync(join(bin, `${name}.version`), `${stamp(tool)}\n`);
    seconds[name] = (Date.now() - started) / 1000;
    log(`[k8s-tools] ${name} ${tool.version} built in ${seconds[name].toFixed(1)} s`);
    paths[name] = join(bin, name);
  }
  return { paths, seconds };
}
