import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StateDirectoryLockedError } from '../../errors';
import { applicationDirectory } from './state-directory';

/** The lock file in `<stateDir>/<applicationKey>/` (skipped by everything that lists task directories). */
export const LOCK_FILE = '.lock.db';

/**
 * Exclusive use of an application's state directory by one running instance, as Kafka Streams locks its
 * state directory: two instances of the same application id and version sharing `<stateDir>/<applicationKey>/`
 * would open the same task databases. The lock is SQLite's own file lock — an exclusive transaction held open
 * on an empty database — so the operating system drops it when the process dies (kill -9 included) and no
 * stale lock outlives its owner; another connection, in this process or another one, is refused at once.
 */
export class StateDirectoryLock {
  private constructor(
    private readonly db: Database.Database,
    readonly directory: string,
  ) {}

  /** Takes the lock of `<stateDir>/<applicationKey>/`, creating the directory; throws {@link StateDirectoryLockedError} when it is held. */
  static acquire(stateDir: string, applicationKey: string): StateDirectoryLock {
    const directory = applicationDirectory(stateDir, applicationKey);
    fs.mkdirSync(directory, { recursive: true });
    const db = new Database(path.join(directory, LOCK_FILE), { timeout: 0 });
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StateDirectoryLockedError(directory);
      throw error;
    }
    return new StateDirectoryLock(db, directory);
  }

  /** Gives the directory up (idempotent). */
  release(): void {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}
