import { errorMessage } from '@platform/common';
import { parseWebhooksConfig } from './config';
import { startWebhooks } from './start';

/** Entry point: reads the environment once and starts the webhooks app (Nest's shutdown hooks stop it on SIGINT/SIGTERM). */
async function main(): Promise<void> {
  await startWebhooks(parseWebhooksConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(`webhooks: ${errorMessage(error)}\n`);
  process.exit(1);
});
