import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAgainstGit } from './git-compat';

const thing = (extraFields: object[]) =>
  JSON.stringify({ type: 'record', name: 'Thing', namespace: 'platform.avro', fields: [{ name: 'id', type: 'string' }, ...extraFields] });

function repoWith(v1: string): { dir: string; avro: string; commit: (message: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'schemas-compat-'));
  const avro = join(dir, 'avro');
  mkdirSync(avro);
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  run('init', '-q');
  const commit = (message: string) => {
    run('add', '.');
    run('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', message);
  };
  writeFileSync(join(avro, 'thing.avsc'), v1);
  commit('v1');
  return { dir, avro, commit };
}

describe('compat check against git', () => {
  it('passes for the schemas of this repository against the previous commit', () => {
    const report = checkAgainstGit('HEAD~1');
    expect(report.files.filter((file) => file.status === 'incompatible')).toEqual([]);
  });

  it('skips gracefully when there is no previous commit', () => {
    const { avro } = repoWith(thing([]));
    expect(checkAgainstGit('HEAD~1', avro).skipped).toContain('does not exist');
  });

  it('fails a working-tree change that adds a field without default, passes one with a default', () => {
    const { avro, commit } = repoWith(thing([]));
    commit('again');
    writeFileSync(join(avro, 'thing.avsc'), thing([{ name: 'note', type: 'string' }]));
    expect(checkAgainstGit('HEAD', avro).files).toEqual([{ file: 'avro/thing.avsc', status: 'incompatible', detail: expect.any(String) }]);
    writeFileSync(join(avro, 'thing.avsc'), thing([{ name: 'note', type: ['null', 'string'], default: null }]));
    expect(checkAgainstGit('HEAD', avro).files[0]?.status).toBe('compatible');
  });

  it('treats a file absent at the base as new', () => {
    const { avro } = repoWith(thing([]));
    writeFileSync(join(avro, 'other.avsc'), thing([]).replace('Thing', 'Other'));
    expect(checkAgainstGit('HEAD', avro).files.map((file) => file.status)).toEqual(['new', 'compatible']);
  });
});
