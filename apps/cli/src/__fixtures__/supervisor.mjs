// A stand-in for `npm start` in the local-driver spec: the real Fleet and control endpoint of
// infrastructure/bin/lib, running one tiny HTTP app (answers its APP_VERSION) instead of the platform's apps.
// usage: node supervisor.mjs <control-file> <state-dir>
import { createServer } from 'node:net';
import { startApp } from '../../../../infrastructure/bin/lib/apps.mjs';
import { startControl } from '../../../../infrastructure/bin/lib/control.mjs';
import { Fleet } from '../../../../infrastructure/bin/lib/fleet.mjs';

const [file, stateDir] = process.argv.slice(2);
const appScript = new URL('./tiny-app.mjs', import.meta.url).pathname;
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const fleet = new Fleet({
  launch: (def, env) => startApp(def, env, () => undefined),
  freePort,
  host: '127.0.0.1',
  front: true,
});
const frontPort = await freePort();
await fleet.add({ name: 'tiny', command: process.execPath, args: [appScript], shell: false }, { port: frontPort, env: { PATH: process.env.PATH ?? '' }, stateDir, routed: true });
const control = await startControl({ fleet, file, logger: console });
const shutdown = async () => {
  await control.close();
  await Promise.all(fleet.processes().map((p) => p.stop()));
  await fleet.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
console.log(`ready front=http://127.0.0.1:${frontPort}`);
