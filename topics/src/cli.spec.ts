import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [require.resolve('tsx/cli'), '--tsconfig', 'topics/tsconfig.json', 'topics/src/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    // Nothing here may reach a broker: every case fails or answers before connecting.
    env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1' },
  });

describe('topics CLI flags', () => {
  it('refuses an unknown flag with the usage and exit code 2', () => {
    const run = cli('apply', '--bogus');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
    expect(run.stderr).toContain('usage: cli.ts apply');
  });

  it('prints the usage on --help', () => {
    const run = cli('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: cli.ts apply [--correct] [--grow] [--namespace <ns>] [--replication-factor <n>]');
  });

  it('reads --flag value like --flag=value', () => {
    for (const args of [['--replication-factor', 'x'], ['--replication-factor=x']]) {
      const run = cli('apply', ...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--replication-factor must be a positive integer, not "x"');
    }
  });

  it('refuses a missing or unknown command', () => {
    expect(cli().status).toBe(2);
    expect(cli('remove').status).toBe(2);
  });
});
