import { errorMessage } from '@platform/common';
import { parseCommunicationConfig } from './config';
import { startCommunication } from './start';

// The only place that reads the environment: configuration is parsed once and passed down.
async function main(): Promise<void> {
  let config;
  try {
    config = parseCommunicationConfig(process.env);
  } catch (error) {
    process.stderr.write(`communication: ${errorMessage(error)}\n`);
    process.exit(1);
  }
  // Nest's shutdown hooks (bootstrapApi) close the API, the streams application and the resources on SIGTERM/SIGINT.
  await startCommunication(config);
}

main().catch((error: unknown) => {
  process.stderr.write(`communication failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
