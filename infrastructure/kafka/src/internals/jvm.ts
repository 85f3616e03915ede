import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { StartError } from '../errors';
import { tail } from './exec';
import type { ProcessExit } from '../supervise';
import { killWhenParentDies } from '../watchdog';

export interface JvmOptions {
  name: string;
  javaBin: string;
  args: string[];
  cwd: string;
  /** stdout and stderr of the JVM are appended here. */
  logFile: string;
  /** Kill the JVM when this Node process dies (default true). */
  dieWithParent?: boolean;
  /** Removed by the watchdog after killing an orphaned JVM (e.g. a temporary data dir). */
  orphanCleanupDir?: string;
}

export interface Jvm {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** Exit code and signal, once the JVM is gone. */
  readonly exit: Promise<ProcessExit>;
  hasExited(): boolean;
  logTail(lines?: number): string;
  /** SIGTERM, wait up to `timeoutMs`, then SIGKILL; resolves once the process is gone. */
  stop(timeoutMs: number): Promise<void>;
}

export function spawnJvm(options: JvmOptions): Jvm {
  const fd = openSync(options.logFile, 'a');
  // Own process group: a Ctrl-C on the terminal reaches only our Node process, which stops JVMs in order.
  const child = spawn(options.javaBin, options.args, { cwd: options.cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const logTail = (lines = 30) => (existsSync(options.logFile) ? tail(readFileSync(options.logFile, 'utf8'), lines) : '');
  if (child.pid === undefined) {
    throw new StartError(`cannot start ${options.name} with ${options.javaBin} — is Java installed?`, logTail());
  }
  const pid = child.pid;
  let done = false;
  const exit = new Promise<ProcessExit>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.on('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  const exited = exit.then(({ code, signal }) => code ?? (signal ? -1 : null));
  if (options.dieWithParent ?? true) killWhenParentDies(pid, options.orphanCleanupDir);

  const stop = async (timeoutMs: number) => {
    if (done) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' && !done) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  };
  return { pid, exited, exit, hasExited: () => done, logTail, stop };
}
