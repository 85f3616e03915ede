import { errorMessage } from '@platform/common';
import { parseChatpluginConfig } from './config';
import { startChatplugin } from './start';

/** Entry point: reads the environment once, starts the app, stops it on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = parseChatpluginConfig(process.env);
  const started = await startChatplugin(config);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    started.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`chatplugin: ${errorMessage(error)}\n`);
  process.exit(1);
});
