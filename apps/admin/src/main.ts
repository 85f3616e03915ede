import { errorMessage } from '@platform/common';
import { parseAdminConfig } from './config';
import { startAdmin } from './start';

/** Entry point: reads the environment once, starts the admin app, stops it on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = parseAdminConfig(process.env);
  const running = await startAdmin(config);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`admin: ${errorMessage(error)}\n`);
  process.exit(1);
});
