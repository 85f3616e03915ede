import { errorMessage } from '@platform/common';
import { parseMetaConfig } from './config';
import { startMeta } from './start';

/** Entry point: reads the environment once and starts the app; Nest's shutdown hooks close it on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  await startMeta(parseMetaConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(`meta: ${errorMessage(error)}\n`);
  process.exit(1);
});
