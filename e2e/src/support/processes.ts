import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** A platform app running as its own process (its built bundle `dist/apps/<name>/main.js`), as `npm start` runs it. */
export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly env: Record<string, string>;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** SIGKILL, as a crashed pod: no shutdown hook runs. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with the child's exit code (null when a signal ended it) once it has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Builds `dist/apps/<name>/main.js` when stale (infrastructure/bin/build-apps.mjs), as `npm start` does. */
export function buildApp(name: string): string {
  execFileSync(process.execPath, [path.join(root, 'infrastructure', 'bin', 'build-apps.mjs'), '--app', name], { cwd: root, stdio: 'pipe' });
  return path.join(root, 'dist', 'apps', name, 'main.js');
}

/**
 * Node flags profiling app `name` in benches: with `BENCH_CPU_PROF=<dir>`, the apps named in
 * `BENCH_CPU_PROF_APPS` (comma-separated; all when unset) run with `node --cpu-prof` (a flag NODE_OPTIONS
 * refuses) and write their profile into `<dir>` when they stop. Nothing otherwise.
 */
export function profilingArgs(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  const apps = process.env.BENCH_CPU_PROF_APPS?.split(',').map((app) => app.trim());
  if (!dir || (apps !== undefined && !apps.includes(name))) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Starts the built `apps/<name>` with `env` on a free port and resolves once `/health/ready` answers 200. */
export async function startApp(name: string, env: Record<string, string>, options: { readyTimeoutMs?: number; port?: number } = {}): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const fullEnv: Record<string, string> = { ...env, PORT: String(port), HOST: '127.0.0.1', APPLICATION_SERVER: `127.0.0.1:${port}`, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' };
  // Plain `node` on the bundle: ONE process, so a SIGKILL is a crash of the app itself.
  const child = spawn(process.execPath, [...profilingArgs(name), '--enable-source-maps', buildApp(name)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    name,
    url,
    port,
    env: fullEnv,
    output: () => output,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.kill9();
      throw new Error(`${name} not ready after ${options.readyTimeoutMs ?? 120_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
