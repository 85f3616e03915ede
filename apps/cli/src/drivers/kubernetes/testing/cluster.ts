/**
 * A real Kubernetes control plane with simulated nodes for the driver's opt-in spec (`npx nx run helm:test-cluster`):
 * etcd, kube-apiserver (token auth, RBAC), kube-controller-manager (StatefulSet, PV binder, PVC protection,
 * garbage collector… every default controller but node lifecycle) and kwok (a fake kubelet: nodes Ready, pods
 * Running/Ready, deleted pods removed) with the stages shipped in kwok's own module. All built from their Go modules by
 * `node infrastructure/bin/k8s-tools.mjs` into the platform cache. There is no kube-scheduler: the spec pins pods to
 * the kwok node with `nodeName`. `stop()` ends every process and removes the temp dir.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDirFromEnv, freePort } from '@platform/infra-kafka';
import { waitFor } from '@platform/testing';

export const workspaceRoot = join(__dirname, '..', '..', '..', '..', '..', '..');
const KWOK_VERSION = 'v0.8.0';

export interface TestCluster {
  readonly server: string;
  /** Kubeconfig of the cluster admin (system:masters). */
  readonly adminKubeconfig: string;
  readonly dir: string;
  readonly helm: string;
  /** An API call as the admin; resolves the parsed answer, throws on non-2xx. */
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** A kubeconfig authenticating with `token` (e.g. a service account's, from the TokenRequest API). */
  kubeconfigWithToken(name: string, token: string): string;
  stop(): Promise<void>;
}

function tools(): Record<string, string> {
  const names = ['helm', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kwok'];
  const result = spawnSync(process.execPath, [join(workspaceRoot, 'infrastructure', 'bin', 'k8s-tools.mjs'), ...names], { encoding: 'utf8', env: { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' } });
  if (result.status !== 0) throw new Error(`k8s-tools.mjs ${names.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return Object.fromEntries(
    names.map((name) => {
      const found = new RegExp(`^${name}: (.+)$`, 'm').exec(result.stdout)?.[1];
      if (!found) throw new Error(`k8s-tools.mjs printed no path for ${name}`);
      return [name, found];
    }),
  );
}

/** kwok's stages from its module source (downloaded into the module cache by `go install`). */
function kwokStages(): string[] {
  const root = join(process.env.GOMODCACHE ?? join(cacheDirFromEnv(process.env), 'go-mod'), 'sigs.k8s.io', `kwok@${KWOK_VERSION}`, 'kustomize', 'stage');
  const files = ['node/fast/node-initialize.yaml', 'pod/fast/pod-ready.yaml', 'pod/fast/pod-complete.yaml', 'pod/fast/pod-delete.yaml'].map((f) => join(root, f));
  for (const file of files) if (!existsSync(file)) throw new Error(`kwok stage ${file} missing (the module cache of k8s-tools.mjs kwok)`);
  return files;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function kubeconfig(file: string, server: string, user: string, token: string): string {
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'test', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user } }],
    }),
  );
  return file;
}

export async function startCluster(): Promise<TestCluster> {
  const bin = tools();
  const dir = mkdtempSync(join(tmpdir(), 'kube-cluster-'));
  const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,1,"system:masters"\n`);
  const server = `https://127.0.0.1:${secure}`;
  const adminKubeconfig = kubeconfig(join(dir, 'admin.kubeconfig'), server, 'admin', token);
  const processes: ChildProcess[] = [];
  const start = (name: string, exe: string, args: string[]) => {
    const fd = openSync(join(dir, `${name}.log`), 'a');
    try {
      processes.push(spawn(exe, args, { stdio: ['ignore', fd, fd] }));
    } finally {
      closeSync(fd);
    }
  };
  const stop = async () => {
    for (const child of [...processes].reverse()) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: false });
  const request = <T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(`${server}${path}`, { method, agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(data ? { 'content-type': contentType } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve((text ? JSON.parse(text) : {}) as T);
        });
      });
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  try {
    start('etcd', bin.etcd as string, [
      '--data-dir', join(dir, 'etcd'), '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`, '--initial-cluster', `default=http://127.0.0.1:${peer}`,
    ]);
    start('kube-apiserver', bin['kube-apiserver'] as string, [
      `--etcd-servers=http://127.0.0.1:${client}`, `--secure-port=${secure}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
      `--cert-dir=${join(dir, 'certs')}`, '--service-account-issuer=https://kubernetes.default.svc', `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`, `--token-auth-file=${join(dir, 'tokens.csv')}`, '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
    ]);
    await waitFor(async () => (await request('GET', '/api/v1/namespaces/default').then(() => true, () => false)), { timeoutMs: 90_000, description: 'kube-apiserver serves' });
    start('kube-controller-manager', bin['kube-controller-manager'] as string, [
      `--kubeconfig=${adminKubeconfig}`, '--leader-elect=false', '--secure-port=0', '--controllers=*,-node-lifecycle-controller',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`, '--use-service-account-credentials=false',
    ]);
    start('kwok', bin.kwok as string, [`--kubeconfig=${adminKubeconfig}`, '--manage-nodes-with-label-selector=type=kwok', '--cidr=10.244.0.0/16', ...kwokStages().flatMap((f) => ['-c', f])]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    server,
    adminKubeconfig,
    dir,
    helm: bin.helm as string,
    request,
    kubeconfigWithToken: (name, userToken) => kubeconfig(join(dir, `${name}.kubeconfig`), server, name, userToken),
    stop,
  };
}

/** The last lines of a component's log in the cluster dir, for a failing assertion's message. */
export function tail(cluster: TestCluster, name: string, lines = 20): string {
  try {
    return readFileSync(join(cluster.dir, `${name}.log`), 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
