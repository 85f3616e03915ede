import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATABASE_FILE } from './task-database';
import { offsetSum } from './offset-names';

/** `<stateDir>/<applicationKey>/`: one application version's tasks (and its lock, see state-directory-lock.ts). */
export function applicationDirectory(stateDir: string, applicationKey: string): string {
  return path.join(stateDir, applicationKey);
}

/** `<stateDir>/<applicationKey>/<taskId>/`. */
export function taskDirectory(stateDir: string, applicationKey: string, taskId: string): string {
  return path.join(applicationDirectory(stateDir, applicationKey), taskId);
}

/**
 * The tasks whose state this state directory holds, with their offset sums (how far each copy
 * has come). Read straight from the SQLite offsets tables; unreadable databases are skipped.
 */
export function localTaskOffsets(stateDir: string, applicationKey: string): Record<string, number> {
  const root = applicationDirectory(stateDir, applicationKey);
  const result: Record<string, number> = {};
  if (!fs.existsSync(root)) return result;
  for (const entry of fs.readdirSync(root)) {
    if (!/^\d+_\d+$/.test(entry)) continue;
    const file = path.join(root, entry, DATABASE_FILE);
    if (!fs.existsSync(file)) continue;
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      const rows = db.prepare('SELECT name, value FROM offsets').all() as { name: string; value: string }[];
      if (rows.length > 0) result[entry] = offsetSum(new Map(rows.map((r) => [r.name, r.value])));
    } catch {
      // unreadable or without offsets: not worth advertising; it is rebuilt when the task opens
    } finally {
      db?.close();
    }
  }
  return result;
}

