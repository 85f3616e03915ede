import { readFileSync } from 'node:fs';
import { DriverUnavailableError, type AppInstance, type PlatformDriver, type StartOptions } from './driver';

/** What `npm start` writes to its control file (infrastructure/bin/lib/control.mjs). */
interface ControlFile {
  readonly url: string;
  readonly token: string;
}

/**
 * The local driver: the supervisor of `npm start`, through its control endpoint (URL and token in the control
 * file, default .data/supervisor.json). One instance per app version; `wipeState` deletes
 * `<STATE_DIR>/<applicationId>-v<version>` of the app.
 */
export class LocalDriver implements PlatformDriver {
  readonly name = 'local';

  private constructor(
    private readonly control: ControlFile,
    private readonly timeoutMs: number,
  ) {}

  /** Reads the control file and checks the endpoint answers; DriverUnavailableError when `npm start` is not running. */
  static async connect(file: string, timeoutMs: number): Promise<LocalDriver> {
    let control: ControlFile;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ControlFile>;
      if (typeof parsed.url !== 'string' || typeof parsed.token !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+$/.test(parsed.url)) throw new Error('no url/token');
      control = { url: parsed.url, token: parsed.token };
    } catch (cause) {
      throw new DriverUnavailableError(`no running npm start found (control file ${file}: ${(cause as Error).message}) — start the stack with npm start, or set SUPERVISOR_CONTROL_FILE`, { cause });
    }
    const driver = new LocalDriver(control, timeoutMs);
    await driver.instances();
    return driver;
  }

  async instances(app?: string): Promise<AppInstance[]> {
    return this.call<AppInstance[]>('GET', `/instances${app ? `?app=${encodeURIComponent(app)}` : ''}`);
  }

  async liveVersion(app: string): Promise<number | undefined> {
    const { version } = await this.call<{ version: number | null }>('GET', `/apps/${encodeURIComponent(app)}/live`);
    return version ?? undefined;
  }

  async start(app: string, version: number, options: StartOptions = {}): Promise<void> {
    if (options.replicas !== undefined && options.replicas !== 1) throw new Error('the local driver runs one instance per app version (--replicas 1)');
    await this.call('POST', `/apps/${encodeURIComponent(app)}/versions/${version}/start`, options.env ? { env: options.env } : {});
  }

  async stop(app: string, version: number): Promise<void> {
    await this.call('POST', `/apps/${encodeURIComponent(app)}/versions/${version}/stop`);
  }

  async route(app: string, version: number): Promise<void> {
    await this.call('POST', `/apps/${encodeURIComponent(app)}/route`, { version });
  }

  async wipeState(app: string, version: number): Promise<string[]> {
    const { removed } = await this.call<{ removed: string[] }>('POST', `/apps/${encodeURIComponent(app)}/versions/${version}/wipe`);
    return removed;
  }

  async close(): Promise<void> {
    // fetch keeps no connection the CLI has to close
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.control.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.control.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new DriverUnavailableError(`the npm start control endpoint at ${this.control.url} does not answer (${(cause as Error).message}) — is npm start still running?`, { cause });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text };
    }
    if (!response.ok) throw new Error(`local driver: ${method} ${path} answered ${response.status}: ${(parsed as { message?: string }).message ?? text}`);
    return parsed as T;
  }
}
