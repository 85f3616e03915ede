#!/usr/bin/env node
// `npm run bench`: runs every libs/*/bench/*.bench.ts, apps/*/bench/*.bench.ts and e2e/bench/*.bench.ts with tsx against a throw-away Kafka + registry
// (or the external ones in KAFKA_BROKERS / SCHEMA_REGISTRY_URL). Benchmarks print their own figures.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDependencies } from './lib/deps.mjs';
import { consoleLogger, fail, phases } from './lib/log.mjs';
import { withStreamNodeOptions } from './lib/node-options.mjs';
import { fromRoot, root } from './lib/paths.mjs';

const benchesIn = (dir) => (existsSync(fromRoot(dir)) ? readdirSync(fromRoot(dir)).filter((f) => f.endsWith('.bench.ts')).sort().map((f) => join(dir, f)) : []);
// Engine benchmarks (libs/*/bench), then the system as users see it (e2e/bench: apps as processes).
const benches = [
  ...(existsSync(fromRoot('libs')) ? readdirSync(fromRoot('libs')).sort().flatMap((lib) => benchesIn(join('libs', lib, 'bench'))) : []),
  ...(existsSync(fromRoot('apps')) ? readdirSync(fromRoot('apps')).sort().flatMap((app) => benchesIn(join('apps', app, 'bench'))) : []),
  ...benchesIn(join('e2e', 'bench')),
].filter((bench) => !process.env.BENCH_FILTER || bench.includes(process.env.BENCH_FILTER)); // e.g. BENCH_FILTER=e2e
if (benches.length === 0) {
  console.log('[bench] no libs/*/bench/*.bench.ts or e2e/bench/*.bench.ts yet: nothing to run');
  process.exit(0);
}

ensureDependencies();
const { bringUp, stackEnv } = await import('./lib/stack.mjs');
const logger = consoleLogger('bench');
const dir = mkdtempSync(join(tmpdir(), 'kcp-bench-'));
let stack;
try {
  stack = await bringUp({ dir, temporary: true, logger });
} catch (error) {
  rmSync(dir, { recursive: true, force: true });
  fail(error);
}
console.log(`[bench] stack ready in ${(stack.startMs / 1000).toFixed(1)} s${phases(stack)}`);

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
let failed = 0;
let current;
const stop = async () => {
  current?.kill('SIGTERM');
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
for (const bench of benches) {
  console.log(`\n[bench] ${bench}`);
  current = spawn(process.execPath, [tsxCli, '--tsconfig', fromRoot('tsconfig.base.json'), bench, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: withStreamNodeOptions({ ...process.env, ...stackEnv(stack) }),
  });
  const code = await new Promise((resolve) => current.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    failed++;
    console.error(`[bench] ${bench} exited with ${code}`);
  }
}
await stop();
process.exit(failed === 0 ? 0 : 1);
