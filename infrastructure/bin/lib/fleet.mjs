// The app versions `npm start` runs, as one registry the admin CLI can drive through the control endpoint
// (control.mjs): which version of each app runs where, which one the gateway routes to, start/stop of a
// version beside the others, and wiping a version's local state. Each version of an app gets its own port
// and APP_VERSION, and shares the app's STATE_DIR (the engine keeps every version under its own
// `<applicationId>-v<version>/` there), so two versions run side by side without sharing state.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFrontProxy } from './front-proxy.mjs';

const APP_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export class Fleet {
  /**
   * @param {object} options
   * @param {(app: object, env: Record<string, string>) => { stop(): Promise<void>, current?: { pid?: number, exited: Promise<unknown> }, pid?: number, exited?: Promise<unknown> }} options.launch starts one (supervised) process
   * @param {() => Promise<number>} options.freePort a free port for a version started later
   * @param {string} options.host where apps listen (URLs use a reachable form of it)
   * @param {(routes: Record<string, string>) => Promise<void>} [options.onRoutesChanged] called after a route switch with app → base URL of the live versions
   * @param {string} [options.namespace] TOPICS_NAMESPACE (the engine's application id is `<ns>.<app>`)
   * @param {string} [options.versionsFile] where the live version of each app is kept across restarts (readLiveVersions)
   * @param {boolean} [options.front] routed apps get a front proxy on their port (front-proxy.mjs) and their versions run
   *   on free ports: a route switch is then a change of the proxy's target, no gateway restart
   */
  constructor({ launch, freePort, host, onRoutesChanged, namespace, versionsFile, front = false }) {
    this.front = front;
    this.versionsFile = versionsFile;
    this.launch = launch;
    this.freePort = freePort;
    this.listenHost = host;
    this.host = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    this.onRoutesChanged = onRoutesChanged;
    this.namespace = namespace;
    /** app name → { def, env, stateDir, live, versions: Map<version, entry> } */
    this.apps = new Map();
  }

  /**
   * Registers an app and starts its first version (`env` without PORT / APP_VERSION): on `port`, or, for a
   * routed app with `front`, behind a front proxy on `port` while the version gets a free port.
   */
  async add(def, { port, env, stateDir, version = 1, routed = false }) {
    const app = { def, env, stateDir, routed, live: routed ? version : undefined, versions: new Map(), port, frontProxy: undefined };
    this.apps.set(def.name, app);
    if (routed && this.front) {
      app.frontProxy = await startFrontProxy({
        port,
        host: this.listenHost,
        name: def.name,
        target: () => {
          const entry = app.live === undefined ? undefined : app.versions.get(app.live);
          return entry && entry.state === 'running' ? { host: this.host, port: entry.port } : undefined;
        },
      });
      this.#spawn(app, version, await this.freePort(), {});
    } else {
      this.#spawn(app, version, port, {});
    }
  }

  #spawn(app, version, port, extraEnv) {
    const env = { ...app.env, ...extraEnv, PORT: String(port), APP_VERSION: String(version), ...(app.stateDir ? { STATE_DIR: app.stateDir } : {}) };
    const entry = { version, port, state: 'running', proc: this.launch(app.def, env), stopping: undefined };
    // A supervised process is restarted by its supervisor (it stays `running`); an unsupervised one that exits has crashed.
    if (!entry.proc.current) entry.proc.exited?.then(() => {
      if (entry.state === 'running') entry.state = 'crashed';
    });
    app.versions.set(version, entry);
    return entry;
  }

  #app(name) {
    if (typeof name !== 'string' || !APP_NAME.test(name)) throw new FleetError(400, `not an app name: ${String(name)}`);
    const app = this.apps.get(name);
    if (!app) throw new FleetError(404, `no app ${name} (known: ${[...this.apps.keys()].join(', ')})`);
    return app;
  }

  /** Every instance (one per running or stopped version), as the CLI's driver interface describes them. */
  instances(name) {
    const result = [];
    for (const [appName, app] of this.apps) {
      if (name && appName !== name) continue;
      for (const [version, entry] of [...app.versions].sort((a, b) => a[0] - b[0])) {
        const current = entry.proc.current ?? entry.proc;
        result.push({
          app: appName,
          version,
          instance: `${appName}-v${version}#0`,
          state: entry.state,
          url: `http://${this.host}:${entry.port}`,
          ...(entry.state === 'running' && current.pid ? { pid: current.pid } : {}),
          ...(app.stateDir ? { stateDir: app.stateDir } : {}),
          live: app.live === version,
        });
      }
    }
    return result;
  }

  liveVersion(name) {
    return this.#app(name).live;
  }

  /** Starts `version` of an app (idempotent); a new version gets a free port. */
  async start(name, version, extraEnv = {}) {
    const app = this.#app(name);
    checkVersion(version);
    const existing = app.versions.get(version);
    if (existing?.state === 'running') return existing;
    if (existing?.stopping) await existing.stopping;
    return this.#spawn(app, version, existing?.port ?? (await this.freePort()), extraEnv);
  }

  /** Stops `version` (idempotent) and waits until its process group exited; the live version cannot be stopped while routed. */
  async stop(name, version, { allowLive = false } = {}) {
    const app = this.#app(name);
    checkVersion(version);
    const entry = app.versions.get(version);
    if (!entry) throw new FleetError(404, `${name} has no version ${version}`);
    if (app.routed && app.live === version && !allowLive && [...app.versions.values()].some((e) => e !== entry && e.state === 'running')) {
      throw new FleetError(409, `${name} v${version} serves client traffic — route to another version first`);
    }
    if (entry.state !== 'running' && entry.state !== 'crashed') return;
    entry.state = 'stopping';
    entry.stopping = entry.proc.stop();
    await entry.stopping;
    entry.state = 'stopped';
    entry.stopping = undefined;
  }

  /** Routes the gateway's traffic for `name` to `version`, which must be running. */
  async route(name, version) {
    const app = this.#app(name);
    checkVersion(version);
    if (!app.routed) throw new FleetError(409, `${name} is not routed by the gateway`);
    const entry = app.versions.get(version);
    if (!entry || entry.state !== 'running') throw new FleetError(409, `${name} v${version} is not running — start it first`);
    if (app.live === version) return;
    app.live = version;
    if (this.versionsFile) {
      // keyed by TOPICS_NAMESPACE ('' for none): deployments sharing .data keep their own versions
      const all = readAll(this.versionsFile);
      all[this.namespace ?? ''] = Object.fromEntries([...this.apps].filter(([, a]) => a.live !== undefined).map(([n, a]) => [n, a.live]));
      writeFileSync(this.versionsFile, `${JSON.stringify(all, null, 2)}\n`);
    }
    if (!app.frontProxy) await this.onRoutesChanged?.(this.routes());
  }

  /** app → base URL the gateway uses (GATEWAY_ROUTES): the front proxy, or the live version itself without one. */
  routes() {
    const routes = {};
    for (const [name, app] of this.apps) {
      const entry = app.live === undefined ? undefined : app.versions.get(app.live);
      if (app.routed && app.frontProxy) routes[name] = `http://${this.host}:${app.port}`;
      else if (app.routed && entry) routes[name] = `http://${this.host}:${entry.port}`;
    }
    return routes;
  }

  /** Closes the front proxies (after the processes stopped). */
  async close() {
    await Promise.all([...this.apps.values()].map((app) => app.frontProxy?.close()));
  }

  /** Deletes `<STATE_DIR>/<applicationId>-v<version>` of a stopped version; refuses while it runs. */
  wipe(name, version) {
    const app = this.#app(name);
    checkVersion(version);
    const entry = app.versions.get(version);
    if (entry && (entry.state === 'running' || entry.state === 'stopping')) throw new FleetError(409, `${name} v${version} is running — stop it first`);
    if (!app.stateDir) return [];
    const dir = join(app.stateDir, `${this.namespace ? `${this.namespace}.` : ''}${name}-v${version}`);
    rmSync(dir, { recursive: true, force: true });
    return [dir];
  }

  /** Every running process, for shutdown. */
  processes() {
    return [...this.apps.values()].flatMap((app) => [...app.versions.values()].map((entry) => entry.proc));
  }
}

export class FleetError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function checkVersion(version) {
  if (!Number.isInteger(version) || version < 1 || version > 1_000_000) throw new FleetError(400, `version must be an integer from 1 to 1000000, not ${String(version)}`);
}

function readAll(file) {
  if (!existsSync(file)) return Object.create(null);
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.assign(Object.create(null), parsed) : Object.create(null);
  } catch {
    return Object.create(null);
  }
}

/** app → live version as last routed under `namespace` (a missing or unreadable file: none, every app starts at version 1). */
export function readLiveVersions(file, namespace) {
  const result = Object.create(null);
  const entry = readAll(file)[namespace ?? ''];
  for (const [name, version] of Object.entries(entry && typeof entry === 'object' ? entry : {})) {
    if (APP_NAME.test(name) && Number.isInteger(version) && version >= 1 && version <= 1_000_000) result[name] = version;
  }
  return result;
}
