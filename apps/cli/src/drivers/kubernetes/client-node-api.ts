import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { DriverUnavailableError } from '../driver';
import type { KubeAccess } from './kube-access';
import { KubeApiError, type KindRef, type KubeApi, type KubeObject } from './kube-api';

/**
 * KubeApi over @kubernetes/client-node's `KubernetesObjectApi` (generic read / list / create / patch / delete by
 * apiVersion and kind). Cluster access comes from kube-access.ts (kubeconfig or service account, kubectl's
 * precedence, `tokenFile` re-read on every call), handed to the client as an explicit `KubeConfig`; the client
 * builds the requests, TLS (CA, client certificate, insecure-skip-tls-verify), bearer tokens and exec plugins.
 */
export class ClientNodeKubeApi implements KubeApi {
  private readonly objects: KubernetesObjectApi;

  constructor(
    private readonly access: KubeAccess,
    readonly namespace: string,
    private readonly timeoutMs: number,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfigOf(access, namespace));
  }

  async get<T extends KubeObject>(kind: KindRef, name: string): Promise<T | undefined> {
    try {
      return (await this.call(`GET ${kind.plural}/${name}`, () => this.objects.read(this.header(kind, name)))) as T;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async list<T extends KubeObject>(kind: KindRef, labelSelector?: string): Promise<T[]> {
    const answer = await this.call(`LIST ${kind.plural}`, () => this.objects.list(kind.apiVersion, kind.kind, this.namespace, undefined, undefined, undefined, undefined, labelSelector));
    return answer.items.map((item) => ({ ...(item as T), apiVersion: kind.apiVersion, kind: kind.kind }));
  }

  async create<T extends KubeObject>(kind: KindRef, object: T): Promise<T> {
    const body = { ...object, apiVersion: kind.apiVersion, kind: kind.kind, metadata: { ...object.metadata, namespace: this.namespace } };
    return (await this.call(`POST ${kind.plural}`, () => this.objects.create(body as KubernetesObject))) as T;
  }

  async mergePatch<T extends KubeObject>(kind: KindRef, name: string, patch: object): Promise<T> {
    const body = { ...patch, ...this.header(kind, name) };
    return (await this.call(`PATCH ${kind.plural}/${name}`, () => this.objects.patch(body as KubernetesObject, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch))) as T;
  }

  async delete(kind: KindRef, name: string): Promise<boolean> {
    try {
      await this.call(`DELETE ${kind.plural}/${name}`, () => this.objects.delete(this.header(kind, name), undefined, undefined, undefined, undefined, 'Background'));
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    // The client keeps no connection pool of its own to release.
  }

  private header(kind: KindRef, name: string) {
    return { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace: this.namespace } };
  }

  /** One call with the CLI's deadline; the API server's refusals become KubeApiError, everything else DriverUnavailableError. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DriverUnavailableError(`the Kubernetes API server at ${this.access.server.origin} (${this.access.source}) did not answer ${what} within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([run(), deadline]);
    } catch (error) {
      if (error instanceof DriverUnavailableError) throw error;
      if (error instanceof ApiException) {
        const status = error.code;
        const answer = parseStatus(error.body);
        throw new KubeApiError(`Kubernetes API ${what} answered ${status}${answer.reason ? ` ${answer.reason}` : ''}: ${answer.message ?? ''}`, status, answer.reason);
      }
      throw new DriverUnavailableError(`the Kubernetes API server at ${this.access.server.origin} (${this.access.source}) cannot be reached: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The `Status` object of a refusal (the client hands over its body as text or parsed). */
function parseStatus(body: unknown): { message?: string; reason?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  if (value === null || typeof value !== 'object') return {};
  const { message, reason } = value as { message?: unknown; reason?: unknown };
  return { ...(typeof message === 'string' ? { message } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
}

/** A one-context KubeConfig from what kube-access.ts resolved (material inline, so nothing is read twice). */
function kubeConfigOf(access: KubeAccess, namespace: string): KubeConfig {
  const config = new KubeConfig();
  const tokenFile = access.tokenFile;
  config.loadFromOptions({
    clusters: [{ name: 'cluster', server: access.server.origin, skipTLSVerify: access.insecureSkipTlsVerify, ...(access.ca ? { caData: access.ca.toString('base64') } : {}) }],
    users: [
      {
        name: 'user',
        ...(access.cert ? { certData: access.cert.toString('base64') } : {}),
        ...(access.key ? { keyData: access.key.toString('base64') } : {}),
        ...(access.exec ? { exec: access.exec } : {}),
        // A token file is re-read by the client (projected service-account tokens rotate); an inline token is fixed.
        ...(tokenFile ? { authProvider: { name: 'tokenFile', config: { tokenFile } } } : access.token ? { token: access.token } : {}),
      },
    ],
    contexts: [{ name: 'context', cluster: 'cluster', user: 'user', namespace }],
    currentContext: 'context',
  });
  return config;
}
