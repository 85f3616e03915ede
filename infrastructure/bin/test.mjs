#!/usr/bin/env node
// `npm test [-- jest args]`: starts a throw-away Kafka + Apicurio on free ports (unless KAFKA_BROKERS is given),
// runs the root multi-project Jest with their addresses in the environment, stops the stack, exits with Jest's code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDependencies } from './lib/deps.mjs';
import { consoleLogger, fail, phases } from './lib/log.mjs';
import { root } from './lib/paths.mjs';

ensureDependencies();
const { bringUp, stackEnv } = await import('./lib/stack.mjs');
const logger = consoleLogger('test');
const dir = mkdtempSync(join(tmpdir(), 'kcp-test-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });

let stack;
try {
  stack = await bringUp({ dir, temporary: true, logger });
} catch (error) {
  cleanup();
  fail(error);
}
const where = `Kafka ${stack.brokers.join(',')}, registry ${stack.registryUrl}`;
console.log(`[test] stack ${stack.external ? 'checked' : 'started'} in ${(stack.startMs / 1000).toFixed(1)} s${phases(stack)} (${where})`);

const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const args = process.argv.slice(2);
// testTimeout is a global Jest option: the preset's value does not reach a multi-project run, so pass it here.
if (!args.some((a) => a.startsWith('--testTimeout'))) args.push('--testTimeout=60000');
const jest = spawn(process.execPath, [jestBin, '-c', 'jest.config.cjs', ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...stackEnv(stack) },
});
// Ctrl-C reaches Jest directly (same process group); a SIGTERM sent to this script is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => jest.kill('SIGTERM'));
const code = await new Promise((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stack.stop();
cleanup();
process.exit(code);
