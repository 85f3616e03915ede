import { errorMessage } from '@platform/common';
import { parseSourcesConfig } from './config';
import { startSources } from './start';

/** Entry point: reads the environment once and starts the app; Nest's shutdown hooks close it on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  await startSources(parseSourcesConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(`sources: ${errorMessage(error)}\n`);
  process.exit(1);
});
