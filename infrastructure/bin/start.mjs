#!/usr/bin/env node
// `npm start [-- --kafka-port=N --controller-port=N --registry-port=N --no-apps]`
// Runs the platform locally: Kafka (data kept in .data/kafka) + Apicurio registry, or the external ones
// named by KAFKA_BROKERS / SCHEMA_REGISTRY_URL; applies the declared topics; starts every serve-able app;
// stops everything on Ctrl-C / SIGTERM. See infrastructure/README.md.
import { ensureDependencies } from './lib/deps.mjs';
import { consoleLogger, fail, phases } from './lib/log.mjs';
import { fromRoot } from './lib/paths.mjs';

ensureDependencies();
const { bringUp, stackEnv } = await import('./lib/stack.mjs');
const { applyDeclaredTopics } = await import('./lib/topics.mjs');
const { discoverApps, startApp } = await import('./lib/apps.mjs');
const { infra } = await import('./lib/ts.mjs');

const logger = consoleLogger('start');
const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const portOf = (flagName, envName, fallback) => {
  const raw = flag(flagName) ?? process.env[envName] ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(new Error(`${envName} / --${flagName} "${raw}" is not a port number — use 1-65535`));
  return port;
};
const ports = {
  kafkaPort: portOf('kafka-port', 'KAFKA_PORT', 9092),
  controllerPort: portOf('controller-port', 'KAFKA_CONTROLLER_PORT', 9093),
  registryPort: portOf('registry-port', 'REGISTRY_PORT', 8080),
};

let stack;
const apps = [];
let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: stopping`);
  await Promise.all(apps.map((app) => app.stop()));
  await stack?.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  stack = await bringUp({ dir: fromRoot('.data'), temporary: false, ports, logger });
  if (stopping) process.exit(0);
  await applyDeclaredTopics({ connection: stack.connection, namespace: process.env.TOPICS_NAMESPACE, local: !stack.external, logger });
} catch (error) {
  await stack?.stop();
  fail(error);
}

const env = stackEnv(stack);
const found = argv.includes('--no-apps') ? [] : discoverApps();
let appPort = Number(process.env.APPS_BASE_PORT ?? 3000);
for (const app of found) {
  if (stopping) break;
  const port = appPort++;
  apps.push(startApp(app, { ...env, PORT: String(port) }, logger, infra().killWhenParentDies));
  logger.info(`app ${app.name} started`, { port });
}

console.log('');
console.log(`  Kafka            ${stack.brokers.join(',')}${stack.external ? ' (external)' : ' (data in .data/kafka)'}`);
console.log(`  Schema registry  ${stack.registryUrl}`);
if (found.length === 0) console.log('  Apps             none with a serve target under apps/ yet');
else found.forEach((app, i) => console.log(`  ${app.name.padEnd(16)} PORT=${Number(process.env.APPS_BASE_PORT ?? 3000) + i}`));
console.log(`  Ready in ${(stack.startMs / 1000).toFixed(1)} s${phases(stack)}. Ctrl-C stops everything.\n`);
