import { silentLogger } from '@platform/common';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATABASE_FILE, PAGE_SIZE, TaskDatabase } from './task-database';

describe('TaskDatabase page size', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'task-db-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('creates new databases with PAGE_SIZE pages', () => {
    const db = TaskDatabase.open(tempDir(), silentLogger);
    expect(db.outcome).toBe('created');
    expect(db.db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    db.close();
  });

  it('reuses a database written with 4 KiB pages as it is, rows and page size', () => {
    const dir = tempDir();
    const old = new Database(path.join(dir, DATABASE_FILE));
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE offsets (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    old.exec(`INSERT INTO offsets VALUES ('changelog-0', '7')`);
    old.close();
    const db = TaskDatabase.open(dir, silentLogger);
    expect(db.outcome).toBe('reused');
    expect(db.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(db.readOffsets()).toEqual(new Map([['changelog-0', '7']]));
    const table = db.table('counts');
    db.transaction(() => table.put(Buffer.from('k'), Buffer.from('v')));
    expect(table.get(Buffer.from('k'))).toEqual(Buffer.from('v'));
    db.close();
  });
});
