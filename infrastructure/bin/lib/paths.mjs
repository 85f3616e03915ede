// Workspace paths shared by the bin scripts.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const fromRoot = (...parts) => join(root, ...parts);
