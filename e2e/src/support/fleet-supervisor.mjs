// `npm start` reduced to one app version fleet, for e2e specs of the admin CLI's local driver: the real Fleet
// (infrastructure/bin/lib/fleet.mjs: versions beside each other, a front proxy on the app's stable port routing
// to the live version) and the real control endpoint (control.mjs) the CLI's local driver talks to, running the
// app's built bundle instead of `tsx` (the spec builds it first). The apps get this process's environment.
// usage: node fleet-supervisor.mjs <control-file> <state-dir> <app> <front-port> <bundle>
// Prints `ready` once the control file is written; SIGTERM stops every version and exits.
import { createServer } from 'node:net';
import { startApp } from '../../../infrastructure/bin/lib/apps.mjs';
import { startControl } from '../../../infrastructure/bin/lib/control.mjs';
import { Fleet } from '../../../infrastructure/bin/lib/fleet.mjs';

const [file, stateDir, name, frontPort, bundle] = process.argv.slice(2);
if (!file || !stateDir || !name || !frontPort || !bundle) {
  console.error('usage: node fleet-supervisor.mjs <control-file> <state-dir> <app> <front-port> <bundle>');
  process.exit(2);
}
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
  namespace: process.env.TOPICS_NAMESPACE,
  front: true,
});
let control;
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await control?.close();
  await Promise.all(fleet.processes().map((p) => p.stop()));
  await fleet.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
await fleet.add({ name, command: process.execPath, args: [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--enable-source-maps', bundle], shell: false }, { port: Number(frontPort), env: { HOST: '127.0.0.1' }, stateDir, routed: true });
control = await startControl({ fleet, file, logger: console });
console.log('ready');
