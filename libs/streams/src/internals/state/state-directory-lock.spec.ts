import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StateDirectoryLockedError } from '../../errors';
import { StateDirectoryLock } from './state-directory-lock';
import { localTaskOffsets } from './state-directory';

describe('StateDirectoryLock', () => {
  let stateDir: string;
  const held: StateDirectoryLock[] = [];
  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-lock-'));
  });
  afterEach(() => {
    for (const lock of held.splice(0)) lock.release();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  const acquire = (key: string) => {
    const lock = StateDirectoryLock.acquire(stateDir, key);
    held.push(lock);
    return lock;
  };

  it('refuses a second holder of one application directory until the first releases it; other applications are independent', () => {
    const first = acquire('app-v1');
    expect(() => acquire('app-v1')).toThrow(StateDirectoryLockedError);
    expect(() => acquire('app-v1')).toThrow(`state directory ${path.join(stateDir, 'app-v1')} is in use`);
    acquire('app-v2');
    first.release();
    first.release(); // idempotent
    acquire('app-v1');
    // the lock file is no task directory
    expect(localTaskOffsets(stateDir, 'app-v1')).toEqual({});
  });

  it('is held by another process until it dies, kill -9 included', async () => {
    const script = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new D(${JSON.stringify(path.join(stateDir, 'app-v1', '.lock.db'))}, { timeout: 0 });
      db.exec('BEGIN EXCLUSIVE'); console.log('held'); setInterval(() => undefined, 1000);`;
    fs.mkdirSync(path.join(stateDir, 'app-v1'), { recursive: true });
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      expect(() => acquire('app-v1')).toThrow(StateDirectoryLockedError);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    acquire('app-v1');
  });
});
