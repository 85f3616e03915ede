import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Where `/metrics` and the probes are also served when a management port is configured. */
export interface ManagementOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default: the API's host. */
  readonly host?: string;
}

/** Paths the management port serves (exact, or prefixes ending in `/`); everything else is 404 there. */
export const managementPaths: readonly string[] = ['/metrics', '/health/'];

/**
 * A second HTTP listener on the same request handler (the same Nest app), for the management port.
 * `isManagement(req)` tells which listener a request came through.
 */
export class ManagementListener {
  private readonly requests = new WeakSet<IncomingMessage>();
  private server: Server | undefined;
  private address: string | undefined;

  isManagement(req: unknown): boolean {
    return this.requests.has(req as IncomingMessage);
  }

  /** `http://host:port`, once listening. */
  get url(): string | undefined {
    return this.address;
  }

  async listen(handler: RequestListener, options: ManagementOptions, defaultHost: string): Promise<string> {
    const server = createServer((req, res) => {
      this.requests.add(req);
      handler(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? defaultHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.address = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    return this.address;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The Nest-managed holder of an app's management listener: closed before the app shuts down. */
@Injectable()
export class ManagementHolder implements BeforeApplicationShutdown {
  readonly listener = new ManagementListener();

  async beforeApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}

export interface ManagementGateOptions {
  /** The management listener, when the app has one. */
  readonly management?: ManagementListener;
  /**
   * Without a management listener, `/metrics` on the public port is answered only when this accepts the
   * request: undefined to let it through, else the refusal (e.g. 401 without the system token).
   */
  readonly authorizeMetrics: (req: IncomingMessage) => MetricsRefusal | undefined | Promise<MetricsRefusal | undefined>;
}

export interface MetricsRefusal {
  readonly status: number;
  readonly message: string;
}

/**
 * Middleware separating the management surface from the public one. On the management port only
 * `/metrics` and `/health/*` answer (no token: the port is for the cluster network, never exposed).
 * On the public port `/metrics` is 404 when a management port exists, else it needs `authorizeMetrics`.
 * Probes stay on the public port too (load balancers call them there).
 */
export function managementGate(options: ManagementGateOptions) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = pathOf(req.url);
    if (options.management?.isManagement(req) === true) {
      if (managementPaths.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry))) next();
      else refuse(res, 404, `Cannot ${req.method ?? 'GET'} ${path}`);
      return;
    }
    if (path !== '/metrics') {
      next();
      return;
    }
    if (options.management !== undefined) {
      refuse(res, 404, `Cannot ${req.method ?? 'GET'} ${path}`);
      return;
    }
    Promise.resolve(options.authorizeMetrics(req)).then(
      (refusal) => (refusal === undefined ? next() : refuse(res, refusal.status, refusal.message)),
      () => refuse(res, 401, 'invalid token'),
    );
  };
}

function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ message });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}
