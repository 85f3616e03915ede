import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkBackwardCompatibility } from '../../src/compatibility';
import { AVRO_DIR, listAvscFiles } from './generate';

/** Outcome for one `.avsc` file compared with its version at the base commit. */
export interface FileCompatibility {
  file: string;
  status: 'compatible' | 'incompatible' | 'new' | 'skipped';
  detail: string;
}

export interface GitCompatReport {
  base: string;
  files: FileCompatibility[];
  /** Set when the whole check was skipped (no git, no base commit). */
  skipped?: string;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args);
  } catch {
    return undefined;
  }
}

/**
 * Checks every `.avsc` in `avroDir` (working-tree version) against `git show <base>:<path>`.
 * Files absent at the base are new; a missing base commit skips the whole check with a reason.
 */
export function checkAgainstGit(base = 'HEAD~1', avroDir: string = AVRO_DIR): GitCompatReport {
  const root = tryGit(avroDir, ['rev-parse', '--show-toplevel'])?.trim();
  if (!root) return { base, files: [], skipped: 'not inside a git work tree' };
  if (tryGit(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]) === undefined) {
    return { base, files: [], skipped: `base commit ${base} does not exist (first commit or shallow clone)` };
  }
  const files = listAvscFiles(avroDir).map((name): FileCompatibility => {
    const path = relative(root, join(avroDir, name)).split('\\').join('/');
    const previous = tryGit(root, ['show', `${base}:${path}`]);
    if (previous === undefined) return { file: path, status: 'new', detail: `not present at ${base}` };
    let oldJson: unknown;
    try {
      oldJson = JSON.parse(previous);
    } catch {
      return { file: path, status: 'skipped', detail: `version at ${base} is not valid JSON` };
    }
    const result = checkBackwardCompatibility(JSON.parse(readFileSync(join(avroDir, name), 'utf8')), oldJson);
    return result.compatible
      ? { file: path, status: 'compatible', detail: `reads data written with ${base}` }
      : { file: path, status: 'incompatible', detail: result.reason };
  });
  return { base, files };
}
