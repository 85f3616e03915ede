// Discovers the apps under apps/*/ that can be served and runs each in its own process group.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { withStreamNodeOptions } from './node-options.mjs';
import { fromRoot, root } from './paths.mjs';

const tsxCli = () => createRequire(import.meta.url).resolve('tsx/cli');

/**
 * An app is serve-able when apps/<name>/project.json has a `serve` target: its run-commands `command`
 * is used when there is one, otherwise apps/<name>/src/main.ts is run with tsx.
 * @returns {{ name: string, command: string, args: string[], shell: boolean }[]}
 */
export function discoverApps() {
  const dir = fromRoot('apps');
  if (!existsSync(dir)) return [];
  const apps = [];
  for (const name of readdirSync(dir).sort()) {
    const projectFile = fromRoot('apps', name, 'project.json');
    if (!existsSync(projectFile)) continue;
    const project = JSON.parse(readFileSync(projectFile, 'utf8'));
    const serve = project.targets?.serve;
    if (!serve) continue;
    const projectName = project.name ?? name;
    if (typeof serve.options?.command === 'string') {
      apps.push({ name: projectName, command: serve.options.command, args: [], shell: true });
    } else if (existsSync(fromRoot('apps', name, 'src', 'main.ts'))) {
      apps.push({ name: projectName, command: process.execPath, args: [tsxCli(), '--tsconfig', fromRoot('tsconfig.base.json'), fromRoot('apps', name, 'src', 'main.ts')], shell: false });
    }
  }
  return apps;
}

/**
 * Starts one app with the stack's environment plus PORT; its output is prefixed with its name.
 * `exited` resolves with `{ code, signal }` when it ends (the caller's supervisor restarts it).
 */
export function startApp(app, env, killWhenParentDies) {
  const child = spawn(app.command, app.args, { cwd: root, env: withStreamNodeOptions({ ...process.env, ...env }), shell: app.shell, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) out.write(`[${app.name}] ${line}\n`);
    });
  };
  killWhenParentDies(-child.pid); // the whole process group, if this script is killed outright
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  let exited = false;
  const done = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));
  let stopping = false;
  const stop = async (timeoutMs = 10_000) => {
    stopping = true;
    if (exited) return;
    const group = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    group('SIGTERM');
    const timer = setTimeout(() => group('SIGKILL'), timeoutMs);
    await done;
    clearTimeout(timer);
    group('SIGKILL'); // grandchildren that ignored SIGTERM
  };
  return { name: app.name, pid: child.pid, exited: done, stop };
}
