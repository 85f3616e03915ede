/**
 * A real Kubernetes control plane for specs: etcd and kube-apiserver (built from their Go modules by
 * `node infrastructure/bin/k8s-tools.mjs etcd kube-apiserver`) on free ports in a temp dir, token auth
 * (system:masters), and a kubeconfig for helm. No controllers or nodes: objects are stored and validated,
 * nothing is scheduled. `stop()` ends both processes and removes the dir.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@platform/infra-kafka';
import { waitFor } from '@platform/testing';
import { workspaceRoot } from './render';

export interface ApiServer {
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

function binaries(): { etcd: string; apiserver: string } {
  const result = spawnSync(process.execPath, [join(workspaceRoot, 'infrastructure', 'bin', 'k8s-tools.mjs'), 'etcd', 'kube-apiserver'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`k8s-tools.mjs etcd kube-apiserver failed:\n${result.stdout}\n${result.stderr}`);
  const path = (name: string) => {
    const found = new RegExp(`^${name}: (.+)$`, 'm').exec(result.stdout)?.[1];
    if (!found) throw new Error(`k8s-tools.mjs printed no path for ${name}`);
    return found;
  };
  return { etcd: path('etcd'), apiserver: path('kube-apiserver') };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** `helm`: the helm binary, used to tell when the server answers (it reads the kubeconfig). */
export async function startApiServer(helm: string): Promise<ApiServer> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'apiserver-'));
  const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,1,"system:masters"\n`);
  const etcd = spawn(bin.etcd, [
    '--data-dir', join(dir, 'etcd'), '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`, '--initial-cluster', `default=http://127.0.0.1:${peer}`,
  ], { stdio: 'ignore' });
  const apiserver = spawn(bin.apiserver, [
    `--etcd-servers=http://127.0.0.1:${client}`, `--secure-port=${secure}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--cert-dir=${join(dir, 'certs')}`, '--service-account-issuer=https://kubernetes.default.svc', `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`, `--token-auth-file=${join(dir, 'tokens.csv')}`, '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
  ], { stdio: 'ignore' });
  const stop = async () => {
    await stopProcess(apiserver);
    await stopProcess(etcd);
    rmSync(dir, { recursive: true, force: true });
  };
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'test', cluster: { server: `https://127.0.0.1:${secure}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
    }),
  );
  try {
    // /readyz needs TLS without a trusted CA: ask helm (it reads the kubeconfig) until the server lists namespaces.
    await waitFor(() => spawnSync(helm, ['list', '--all-namespaces', '--kubeconfig', kubeconfig], { stdio: 'ignore' }).status === 0, {
      timeoutMs: 60_000,
      description: 'kube-apiserver ready',
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { kubeconfig, stop };
}
