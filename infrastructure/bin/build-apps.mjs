#!/usr/bin/env node
// `node infrastructure/bin/build-apps.mjs [--force] [--app NAME]…`: bundles the named apps (default: every app with
// src/main.ts) to dist/apps/<name>/main.js, runnable with `node` alone next to node_modules. Skips fresh ones
// unless --force. This is what `npm start` runs and what the container images copy.
import { existsSync, readdirSync } from 'node:fs';
import { parseFlags } from './lib/args.mjs';
import { buildApp } from './lib/build-apps.mjs';
import { fail } from './lib/log.mjs';
import { fromRoot } from './lib/paths.mjs';

const usage = 'usage: node infrastructure/bin/build-apps.mjs [--force] [--app NAME]…';
const flags = parseFlags(usage, { force: { type: 'boolean' }, app: { type: 'string', multiple: true } });
const all = readdirSync(fromRoot('apps')).filter((name) => existsSync(fromRoot('apps', name, 'src', 'main.ts'))).sort();
const names = flags.app?.length ? flags.app : all;
for (const name of names) if (!all.includes(name)) fail(new Error(`no app ${name} (apps with src/main.ts: ${all.join(', ')})`));
try {
  for (const name of names) {
    const result = await buildApp(name, { force: flags.force === true });
    console.log(`${name}: ${result.built ? 'built' : 'fresh'} dist/apps/${name}/main.js (${Math.round(result.bytes / 1024)} KiB)`);
  }
} catch (error) {
  fail(error);
}
