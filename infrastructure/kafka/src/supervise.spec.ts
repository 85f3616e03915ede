import { spawn } from 'node:child_process';
import type { Logger } from '@platform/common';
import { RestartBackoff, Supervisor, describeExit, type ProcessExit, type Supervisable } from './supervise';

/** A real child process: `node -e <script>`. */
function nodeProcess(script: string): Supervisable & { pid: number } {
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const exited = new Promise<ProcessExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    pid: child.pid!,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function recordingLogger(lines: string[]): Logger {
  const log = (message: string) => lines.push(message);
  const logger: Logger = { debug: () => undefined, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('RestartBackoff', () => {
  it('doubles the delay up to the cap, gives up after the rapid failures, and starts over after a stable run', () => {
    const backoff = new RestartBackoff({ initialDelayMs: 1000, maxDelayMs: 5000, maxRapidFailures: 4, stableAfterMs: 60_000 });
    expect([1, 2, 3, 4].map(() => backoff.next(10))).toEqual([
      { attempt: 1, delayMs: 1000 },
      { attempt: 2, delayMs: 2000 },
      { attempt: 3, delayMs: 4000 },
      { attempt: 4, delayMs: 5000 },
    ]);
    expect(backoff.next(10)).toBeUndefined();
    expect(backoff.next(60_000)).toEqual({ attempt: 1, delayMs: 1000 });
  });
});

describe('describeExit', () => {
  it('reports signals as a shell does', () => {
    expect(describeExit({ code: 1, signal: null })).toBe('code 1');
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('code 137 (SIGKILL)');
  });
});

describe('Supervisor', () => {
  it('restarts a crashed process with backoff, saying so, and stops it on stop()', async () => {
    const lines: string[] = [];
    const started: (Supervisable & { pid: number })[] = [];
    const restart = async () => {
      const p = nodeProcess('setInterval(() => {}, 1000)');
      started.push(p);
      return p;
    };
    const supervisor = new Supervisor(nodeProcess('process.exit(3)'), { name: 'worker', restart, policy: { initialDelayMs: 100 }, logger: recordingLogger(lines) });
    await until(() => started.length === 1, 'the first restart');
    expect(supervisor.current).toBe(started[0]);
    process.kill(started[0]!.pid, 'SIGKILL');
    await until(() => started.length === 2, 'the second restart');
    await until(() => lines.length === 4, 'four log lines');
    expect(lines).toEqual([
      'worker exited with code 3, restarting in 0.1 s (attempt 1)',
      'worker restarted (attempt 1)',
      'worker exited with code 137 (SIGKILL), restarting in 0.2 s (attempt 2)',
      'worker restarted (attempt 2)',
    ]);
    await supervisor.stop();
    expect(await started[1]!.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('gives up with a clear message after too many rapid failures', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const supervisor = new Supervisor(nodeProcess('process.exit(1)'), {
      name: 'kafka',
      restart: () => Promise.reject(new Error('port 9092 is in use')),
      policy: { initialDelayMs: 100, maxRapidFailures: 3 },
      logger: recordingLogger(lines),
      onGiveUp: (message) => gaveUp.push(message),
    });
    await until(() => gaveUp.length === 1, 'giving up');
    expect(gaveUp).toEqual(['kafka did not start again (port 9092 is in use); giving up after 3 restarts in a row that failed within 60 s']);
    expect(lines.slice(0, 3)).toEqual([
      'kafka exited with code 1, restarting in 0.1 s (attempt 1)',
      'kafka did not start again (port 9092 is in use), restarting in 0.2 s (attempt 2)',
      'kafka did not start again (port 9092 is in use), restarting in 0.4 s (attempt 3)',
    ]);
    await supervisor.stop();
  });
});
