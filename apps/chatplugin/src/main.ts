import { errorMessage } from '@platform/common';
import { parseChatpluginConfig } from './config';
import { startChatplugin } from './start';

/**
 * Entry point: reads the environment once and starts the app. SIGINT/SIGTERM are handled by Nest's
 * shutdown hooks (enabled by bootstrapApi), which close every part in order (ShutdownSteps of @platform/nest-platform).
 */
async function main(): Promise<void> {
  await startChatplugin(parseChatpluginConfig(process.env));
}

main().catch((error: unknown) => {
  process.stderr.write(`chatplugin: ${errorMessage(error)}\n`);
  process.exit(1);
});
