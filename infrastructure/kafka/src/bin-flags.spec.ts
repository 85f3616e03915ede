import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

// The bin scripts' flags (infrastructure/bin/lib/args.mjs), through `npm run token`'s script.
const root = path.resolve(__dirname, '../../..');
const secret = randomBytes(32).toString('base64');
const token = (...args: string[]) =>
  spawnSync(process.execPath, ['infrastructure/bin/token.mjs', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, AUTH_JWT_SECRET: secret } });
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.trim().split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('bin script flags', () => {
  it('refuses an unknown flag with the usage and exit code 2', () => {
    const run = token('--bogus');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
    expect(run.stderr).toContain('usage: npm run token -- --user <id>');
    expect(run.stdout).toBe('');
  });

  it('prints the usage on --help', () => {
    const run = token('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run token -- --user <id>');
  });

  it('reads --flag value and --flag=value alike', () => {
    for (const args of [['--user', 'alice', '--ttl', '60', '--name', 'Alice'], ['--user=alice', '--ttl=60', '--name=Alice']]) {
      const run = token(...args);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const payload = claims(run.stdout);
      expect(payload).toMatchObject({ sub: 'alice', name: 'Alice' });
      expect(Number(payload['exp']) - Number(payload['iat'])).toBe(60);
    }
  });

  it('refuses a flag without its value', () => {
    const run = token('--user');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Option '--user <value>' argument missing");
  });
});
