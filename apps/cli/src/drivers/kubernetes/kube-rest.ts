import * as http from 'node:http';
import * as https from 'node:https';
import { DriverUnavailableError } from '../driver';
import type { KubeAccess } from './kube-access';
import { KubeApiError, type KindRef, type KubeApi, type KubeObject } from './kube-api';

/** Largest API answer read (a list of a namespace's pods is a few hundred KB). */
const MAX_BODY = 32 * 1024 * 1024;

/**
 * KubeApi over the API server's REST interface with node:https: TLS with the kubeconfig's / service account's CA
 * (or insecure-skip-tls-verify), bearer token or client certificate. Paths:
 * `/api/v1/namespaces/<ns>/<plural>` for the core group, `/apis/<group>/<version>/namespaces/<ns>/<plural>` otherwise.
 */
export class RestKubeApi implements KubeApi {
  private readonly agent: http.Agent;

  constructor(
    private readonly access: KubeAccess,
    readonly namespace: string,
    private readonly timeoutMs: number,
  ) {
    this.agent =
      access.server.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ...(access.ca ? { ca: access.ca } : {}), ...(access.cert ? { cert: access.cert } : {}), ...(access.key ? { key: access.key } : {}), rejectUnauthorized: !access.insecureSkipTlsVerify })
        : new http.Agent({ keepAlive: true });
  }

  async get<T extends KubeObject>(kind: KindRef, name: string): Promise<T | undefined> {
    const { status, body } = await this.call('GET', `${this.base(kind)}/${encodeURIComponent(name)}`, undefined, [404]);
    return status === 404 ? undefined : (body as T);
  }

  async list<T extends KubeObject>(kind: KindRef, labelSelector?: string): Promise<T[]> {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const { body } = await this.call('GET', `${this.base(kind)}${query}`);
    return ((body as { items?: T[] }).items ?? []).map((item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }));
  }

  async create<T extends KubeObject>(kind: KindRef, object: T): Promise<T> {
    return (await this.call('POST', this.base(kind), { ...object, apiVersion: kind.apiVersion, kind: kind.kind })).body as T;
  }

  async mergePatch<T extends KubeObject>(kind: KindRef, name: string, patch: object): Promise<T> {
    return (await this.call('PATCH', `${this.base(kind)}/${encodeURIComponent(name)}`, patch, [], 'application/merge-patch+json')).body as T;
  }

  async delete(kind: KindRef, name: string): Promise<boolean> {
    const { status } = await this.call('DELETE', `${this.base(kind)}/${encodeURIComponent(name)}`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }, [404]);
    return status !== 404;
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private base(kind: KindRef): string {
    const prefix = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
    return `${prefix}/namespaces/${encodeURIComponent(this.namespace)}/${kind.plural}`;
  }

  private call(method: string, path: string, payload?: unknown, accepted: readonly number[] = [], contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.access.server);
    const data = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const token = this.access.token();
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data ? { 'content-type': contentType, 'content-length': data.length } : {}) };
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error(`${method} ${path}: answer larger than ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            body = { message: text.slice(0, 500) };
          }
          if ((status >= 200 && status < 300) || accepted.includes(status)) {
            resolve({ status, body });
            return;
          }
          const answer = body as { message?: string; reason?: string };
          reject(new KubeApiError(`Kubernetes API ${method} ${path} answered ${status}${answer.reason ? ` ${answer.reason}` : ''}: ${answer.message ?? text.slice(0, 200)}`, status, answer.reason));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (cause: Error) => {
        if (cause instanceof KubeApiError) reject(cause);
        else reject(new DriverUnavailableError(`the Kubernetes API server at ${this.access.server.origin} (${this.access.source}) cannot be reached: ${cause.message}`, { cause }));
      });
      if (data) req.write(data);
      req.end();
    });
  }
}
