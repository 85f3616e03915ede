import { errorMessage } from '@platform/common';
import { parseTwilioConfig } from './config';
import { startTwilio } from './start';

/** Entry point: reads the environment once and starts the app; Nest's shutdown hooks close it on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  await startTwilio(parseTwilioConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(`twilio: ${errorMessage(error)}\n`);
  process.exit(1);
});
