import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { DriverUnavailableError } from '../driver';

/** Where the API server is and how to authenticate, from a kubeconfig or the pod's service account. */
export interface KubeAccess {
  readonly server: URL;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  /** An inline bearer token. */
  readonly token?: string;
  /** A file holding the bearer token, re-read by the client (projected service-account tokens rotate). */
  readonly tokenFile?: string;
  /** A kubeconfig user's exec credential plugin (e.g. `aws eks get-token`), run by the client. */
  readonly exec?: Record<string, unknown>;
  /** The namespace the kubeconfig context or the service account names, if any. */
  readonly namespace?: string;
  /** `kubeconfig <path> (context <name>)` or `in-cluster service account`: printed in errors. */
  readonly source: string;
}

/** What config.ts read from the environment: KUBECONFIG (first path), ~/.kube/config, KUBE_CONTEXT, KUBERNETES_SERVICE_HOST/PORT. */
export interface KubeAccessSettings {
  readonly kubeconfig?: string;
  readonly defaultKubeconfig?: string;
  readonly context?: string;
  readonly inCluster?: { readonly host: string; readonly port: string };
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Largest kubeconfig / token / certificate file read (a kubeconfig is a few KB). */
const MAX_FILE = 1024 * 1024;

function readBounded(file: string, what: string): Buffer {
  const data = readFileSync(file);
  if (data.length > MAX_FILE) throw new Error(`${what} ${file} is larger than ${MAX_FILE} bytes`);
  return data;
}

/**
 * Like kubectl: KUBECONFIG wins; in a pod (KUBERNETES_SERVICE_HOST set) the service account (token, ca.crt and
 * namespace under `serviceAccountDir`); else ~/.kube/config when it exists. Throws DriverUnavailableError when
 * there is none of them.
 */
export function loadKubeAccess(settings: KubeAccessSettings, serviceAccountDir = SERVICE_ACCOUNT_DIR): KubeAccess {
  if (settings.kubeconfig) return fromKubeconfig(settings.kubeconfig, settings.context);
  if (settings.inCluster) return inCluster(settings.inCluster, serviceAccountDir);
  if (settings.defaultKubeconfig && existsSync(settings.defaultKubeconfig)) return fromKubeconfig(settings.defaultKubeconfig, settings.context);
  throw new DriverUnavailableError('CLI_DRIVER=kubernetes found no cluster access: set KUBECONFIG (token, client-certificate or exec-plugin users), or run the CLI in a pod with the chart\'s CLI service account');
}

function inCluster(where: { host: string; port: string }, dir: string): KubeAccess {
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) throw new DriverUnavailableError(`in-cluster: no service-account token at ${tokenFile} (is automountServiceAccountToken off for this pod?)`);
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  const namespaceFile = join(dir, 'namespace');
  return {
    server: new URL(`https://${host}:${where.port}`),
    ca: readBounded(join(dir, 'ca.crt'), 'service-account CA'),
    insecureSkipTlsVerify: false,
    tokenFile,
    ...(existsSync(namespaceFile) ? { namespace: readBounded(namespaceFile, 'namespace file').toString('utf8').trim() } : {}),
    source: 'in-cluster service account',
  };
}

type Named<T> = { name?: unknown; [key: string]: unknown } & Partial<Record<'cluster' | 'user' | 'context', T>>;
interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
}
interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
  username?: string;
}
interface KubeconfigContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

function pick<T>(list: unknown, name: string | undefined, field: 'cluster' | 'user' | 'context', file: string): T {
  const entries = Array.isArray(list) ? (list as Named<T>[]) : [];
  const found = entries.find((e) => e && e.name === name)?.[field];
  if (!found || typeof found !== 'object') throw new DriverUnavailableError(`kubeconfig ${file}: no ${field} named "${String(name)}"`);
  return found;
}

function fromKubeconfig(file: string, contextName: string | undefined): KubeAccess {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readBounded(file, 'kubeconfig').toString('utf8'), { maxAliasCount: 10 }) as Record<string, unknown>;
    if (!doc || typeof doc !== 'object') throw new Error('not a YAML mapping');
  } catch (cause) {
    throw new DriverUnavailableError(`kubeconfig ${file} cannot be read: ${(cause as Error).message}`, { cause });
  }
  const current = contextName ?? (typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined);
  if (!current) throw new DriverUnavailableError(`kubeconfig ${file} has no current-context: set KUBE_CONTEXT`);
  const context = pick<KubeconfigContext>(doc.contexts, current, 'context', file);
  const cluster = pick<KubeconfigCluster>(doc.clusters, context.cluster, 'cluster', file);
  const user = context.user === undefined ? {} : pick<KubeconfigUser>(doc.users, context.user, 'user', file);
  const relative = (path: string) => (isAbsolute(path) ? path : join(dirname(file), path));
  const material = (data: string | undefined, path: string | undefined, what: string): Buffer | undefined =>
    data !== undefined ? Buffer.from(data, 'base64') : path !== undefined ? readBounded(relative(path), what) : undefined;
  if (!cluster.server) throw new DriverUnavailableError(`kubeconfig ${file}: cluster "${String(context.cluster)}" has no server`);
  if (user['auth-provider'] !== undefined) {
    throw new DriverUnavailableError(`kubeconfig ${file}: user "${String(context.user)}" authenticates with an auth provider (removed from kubectl in 1.26) — use an exec plugin, a token or a client certificate`);
  }
  if (user.exec !== undefined && (user.exec === null || typeof user.exec !== 'object' || Array.isArray(user.exec))) {
    throw new DriverUnavailableError(`kubeconfig ${file}: user "${String(context.user)}" has an exec entry that is not a mapping`);
  }
  const tokenFile = user.tokenFile === undefined ? undefined : relative(user.tokenFile);
  const ca = material(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority');
  const cert = material(user['client-certificate-data'], user['client-certificate'], 'client certificate');
  const key = material(user['client-key-data'], user['client-key'], 'client key');
  return {
    server: new URL(cluster.server),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    ...(user.token !== undefined ? { token: user.token } : tokenFile !== undefined ? { tokenFile } : {}),
    ...(user.exec !== undefined ? { exec: user.exec as Record<string, unknown> } : {}),
    ...(context.namespace ? { namespace: context.namespace } : {}),
    source: `kubeconfig ${file} (context ${current})`,
  };
}
