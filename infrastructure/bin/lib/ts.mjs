// Loads the workspace's TypeScript (with tsconfig path aliases) into a plain Node script through tsx.
import { createRequire } from 'node:module';
import { fromRoot } from './paths.mjs';

const require = createRequire(import.meta.url);
let registered = false;

export function requireTs(relativePath) {
  if (!registered) {
    process.env.TSX_TSCONFIG_PATH ??= fromRoot('tsconfig.base.json');
    require('tsx/cjs/api').register();
    registered = true;
  }
  return require(fromRoot(relativePath));
}

export const infra = () => requireTs('infrastructure/kafka/src/index.ts');
export const config = () => requireTs('libs/config/src/index.ts');
