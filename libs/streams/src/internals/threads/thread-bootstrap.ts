import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** The stream thread's entry next to this file: `.ts` from source (tests, tsx), `.js` once compiled or bundled. */
export const THREAD_ENTRY = join(__dirname, `thread-main${extname(__filename) === '.ts' ? '.ts' : '.js'}`);

/**
 * The code a Worker evaluates first. A `.ts` entry or topology module (development and tests) is
 * loaded through tsx's require hook; tsx finds the path aliases in `TSX_TSCONFIG_PATH` if set, else
 * in the nearest `tsconfig.json` or `tsconfig.base.json` above the entry.
 */
export function bootstrapSource(entry: string, topologyModule: string): string {
  const typescript = entry.endsWith('.ts') || topologyModule.endsWith('.ts');
  const tsconfig = typescript ? nearestTsconfig(dirname(entry)) : undefined;
  return [
    "'use strict';",
    typescript && tsconfig ? `if (!process.env.TSX_TSCONFIG_PATH) process.env.TSX_TSCONFIG_PATH = ${JSON.stringify(tsconfig)};` : '',
    typescript ? "require('tsx/cjs/api').register();" : '',
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
}

function nearestTsconfig(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const name of ['tsconfig.json', 'tsconfig.base.json']) if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}
