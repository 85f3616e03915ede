import { errorMessage } from '@platform/common';
import { parseAdminConfig } from './config';
import { startAdmin } from './start';

/** Entry point: reads the environment once and starts the admin app (Nest's shutdown hooks stop it on SIGINT/SIGTERM). */
async function main(): Promise<void> {
  await startAdmin(parseAdminConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(`admin: ${errorMessage(error)}\n`);
  process.exit(1);
});
