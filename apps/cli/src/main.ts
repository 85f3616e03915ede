#!/usr/bin/env node
// Entry point of the admin CLI (`npm run cli -- <command>`, or as a container's entry point): the only place
// that reads the environment and the process arguments; everything else gets them passed in.
import { parseCliConfig } from './config';
import { createDriver } from './drivers/create-driver';
import { runCli } from './run';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

runCli(process.argv.slice(2), { config: () => parseCliConfig(process.env), createDriver, signal: controller.signal })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`cli failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
