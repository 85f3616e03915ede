#!/usr/bin/env node
// `npm start [-- --kafka-port N --controller-port N --registry-port N --apps-base-port N --gateway-port N --no-apps --no-restart]`
// (`--flag N` or `--flag=N`; an unknown flag exits 2 with the usage; `--help` prints it).
// Runs the platform locally: Kafka (data kept in .data/kafka) + Apicurio registry, or the external ones
// named by KAFKA_BROKERS / SCHEMA_REGISTRY_URL; applies the declared topics; starts every serve-able app
// with the local secrets (.data/secrets.json, generated once) and its own state dir, then the gateway (the
// one API origin) in front of them; restarts a local broker, registry or app that crashes (capped exponential
// backoff, giving up after repeated rapid failures; --no-restart turns it off); stops everything on Ctrl-C /
// SIGTERM. See infrastructure/README.md.
import { delimiter } from 'node:path';
import { parseFlags } from './lib/args.mjs';
import { ensureDependencies } from './lib/deps.mjs';
import { consoleLogger, fail, phases } from './lib/log.mjs';
import { fromRoot } from './lib/paths.mjs';
import { loadOrCreateSecrets, secretsEnv } from './lib/secrets.mjs';

const usage = 'usage: npm start -- [--kafka-port N] [--controller-port N] [--registry-port N] [--apps-base-port N] [--gateway-port N] [--no-apps] [--no-restart]';
const port = { type: 'string' };
// Parsed before anything is installed or started: a typo is an error, not a default.
const flags = parseFlags(usage, {
  'kafka-port': port,
  'controller-port': port,
  'registry-port': port,
  'apps-base-port': port,
  'gateway-port': port,
  'no-apps': { type: 'boolean' },
  'no-restart': { type: 'boolean' },
});

ensureDependencies();
const { bringUp, stackEnv } = await import('./lib/stack.mjs');
const { applyDeclaredTopics } = await import('./lib/topics.mjs');
const { discoverApps, startApp } = await import('./lib/apps.mjs');
const { Fleet, readLiveVersions } = await import('./lib/fleet.mjs');
const { startControl } = await import('./lib/control.mjs');
const { infra, requireTs } = await import('./lib/ts.mjs');

const logger = consoleLogger('start');
const portOf = (flagName, envName, fallback) => {
  const raw = flags[flagName] ?? process.env[envName] ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(new Error(`${envName} / --${flagName} "${raw}" is not a port number — use 1-65535`));
  return port;
};
const ports = {
  kafkaPort: portOf('kafka-port', 'KAFKA_PORT', 9092),
  controllerPort: portOf('controller-port', 'KAFKA_CONTROLLER_PORT', 9093),
  registryPort: portOf('registry-port', 'REGISTRY_PORT', 8080),
};
const host = process.env.HOST ?? '127.0.0.1';
const appsBasePort = portOf('apps-base-port', 'APPS_BASE_PORT', 3000);
const gatewayPort = portOf('gateway-port', 'GATEWAY_PORT', 8000);
/** Restarts of a crashed broker, registry or app: 1 s, 2 s, 4 s … up to 30 s; giving up after 5 failures in a row within a minute of their start. */
const restartPolicy = flags['no-restart'] ? undefined : { initialDelayMs: 1000, maxDelayMs: 30_000, maxRapidFailures: 5, stableAfterMs: 60_000 };
/** Apps the gateway routes to: the gateway's own list (apps/gateway/src/routing/path-rules.ts), never a copy. */
const gatewayUpstreams = requireTs('apps/gateway/src/routing/path-rules.ts').upstreamNames;

let stack;
const apps = [];
let fleet;
let control;
let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: stopping`);
  await control?.close();
  await Promise.all([...apps, ...(fleet?.processes() ?? [])].map((app) => app.stop()));
  await fleet?.close();
  await stack?.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

// Apps in name order on APPS_BASE_PORT, APPS_BASE_PORT+1, …; the gateway last, on GATEWAY_PORT.
const discovered = flags['no-apps'] ? [] : discoverApps();
const gateway = discovered.find((app) => app.name === 'gateway');
const found = discovered.filter((app) => app !== gateway).map((app, i) => ({ ...app, port: appsBasePort + i }));
let secrets;
try {
  const loaded = loadOrCreateSecrets(fromRoot('.data', 'secrets.json'));
  secrets = loaded.secrets;
  if (loaded.created.length > 0) logger.info('generated local secrets', { file: '.data/secrets.json', keys: loaded.created.join(',') });
  const wanted = [...found.map((app) => ({ port: app.port, what: `app ${app.name}, APPS_BASE_PORT` })), ...(gateway ? [{ port: gatewayPort, what: 'gateway, GATEWAY_PORT' }] : [])];
  for (const { port, what } of wanted) await infra().checkPortFree(port, what, host);
} catch (error) {
  fail(error);
}

try {
  const onGiveUp = (message) => logger.error(`${message}; the rest keeps running — fix the cause, then Ctrl-C and npm start`);
  stack = await bringUp({ dir: fromRoot('.data'), temporary: false, ports, logger, ...(restartPolicy ? { restart: { ...restartPolicy, onGiveUp } } : {}) });
  if (stopping) process.exit(0);
  await applyDeclaredTopics({ connection: stack.connection, namespace: process.env.TOPICS_NAMESPACE, local: !stack.external, logger });
} catch (error) {
  await stack?.stop();
  fail(error);
}

// node_modules/.bin first, so serve commands find tsx also when this script is run without npm.
const PATH = [fromRoot('node_modules', '.bin'), process.env.PATH].filter(Boolean).join(delimiter);
// The local stack's webhook subscribers run on this machine: loopback/private targets allowed unless set otherwise.
const env = { WEBHOOKS_ALLOW_PRIVATE_TARGETS: process.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS ?? 'true', ...stackEnv(stack), ...secretsEnv(secrets), HOST: host, PATH };
const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
/** Starts an app; with a restart policy, a supervisor starts it again (same port and state) when it crashes. */
function supervisedApp(app, appEnv) {
  const start = () => startApp(app, appEnv, infra().killWhenParentDies);
  const first = start();
  if (!restartPolicy) {
    first.exited.then(({ code, signal }) => stopping || logger.error(`app ${app.name} exited`, { code, signal }));
    return first;
  }
  const onGiveUp = (message) => logger.error(`${message}; the other apps keep running`);
  return new (infra().Supervisor)(first, { name: `app ${app.name}`, restart: async () => start(), policy: restartPolicy, logger, onGiveUp });
}
// The app versions, driven by the admin CLI through the control endpoint (apps/cli, local driver): each app
// starts at the version last routed to (.data/versions.json, default 1). A routed app's port is a front proxy to
// its routed version (which listens on a free port), so switching versions needs no gateway restart.
const versionsFile = fromRoot('.data', 'versions.json');
const startVersions = readLiveVersions(versionsFile, process.env.TOPICS_NAMESPACE);
fleet = new Fleet({ launch: supervisedApp, freePort: () => infra().freePort(host), host, namespace: process.env.TOPICS_NAMESPACE, versionsFile, front: true });
for (const app of found) {
  if (stopping) break;
  const version = startVersions[app.name] ?? 1;
  await fleet.add(app, { port: app.port, env, stateDir: fromRoot('.data', 'state', app.name), version, routed: gatewayUpstreams.includes(app.name) });
  logger.info(`app ${app.name} started`, { port: app.port, ...(version === 1 ? {} : { version }) });
}
let gatewayUrl;
if (gateway && !stopping) {
  const routes = fleet.routes();
  apps.push(supervisedApp(gateway, { ...env, PORT: String(gatewayPort), GATEWAY_ROUTES: JSON.stringify(routes) }));
  gatewayUrl = `http://${reachableHost}:${gatewayPort}`;
  logger.info('app gateway started', { port: gatewayPort, routes: Object.keys(routes).join(',') });
  if (!(await waitForLive(gatewayUrl, 30_000))) logger.warn('the gateway did not answer /health/live within 30 s; see its log lines above');
}

if (!stopping) {
  try {
    control = await startControl({ fleet, file: fromRoot('.data', 'supervisor.json'), logger });
  } catch (error) {
    logger.warn(`the admin CLI control endpoint did not start (${error instanceof Error ? error.message : String(error)}); npm run cli works without the local driver`);
  }
}

console.log('');
console.log(`  Kafka            ${stack.brokers.join(',')}${stack.external ? ' (external)' : ' (data in .data/kafka)'}`);
console.log(`  Schema registry  ${stack.registryUrl}`);
if (found.length === 0 && !gateway) console.log('  Apps             none with a serve target under apps/ yet');
else found.forEach((app) => console.log(`  ${app.name.padEnd(16)} http://${reachableHost}:${app.port}`));
if (gatewayUrl) {
  console.log(`  ${'gateway'.padEnd(16)} ${gatewayUrl}   <- the one API origin (OpenAPI: ${gatewayUrl}/openapi.json)`);
  console.log('');
  console.log(`  System token     ${secrets.systemToken}`);
  console.log(`  Try              curl -s -X POST ${gatewayUrl}/conversations.list -H 'Authorization: Bearer ${secrets.systemToken}' -H 'Content-Type: application/json' -d '{}'`);
  console.log('  User JWT         npm run token -- --user <id> [--name <name>]   (secrets in .data/secrets.json, kept across restarts)');
  console.log('  Admin CLI        npm run cli -- --help   (apps, topics, tail, group offsets, dlq, app reset …)');
}
console.log(`  Ready in ${(stack.startMs / 1000).toFixed(1)} s${phases(stack)}. Ctrl-C stops everything.\n`);

/** Polls `url`/health/live until it answers 200 or `timeoutMs` passes. */
async function waitForLive(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
