import 'reflect-metadata';
import { jsonLogger } from '@platform/common';
import { MetricsRegistry, registerProcessMetrics } from '@platform/metrics';
import { startGateway } from './app/start-gateway';
import { parseGatewayConfig } from './config';

async function main(): Promise<void> {
  const config = parseGatewayConfig(process.env);
  const logger = jsonLogger({ level: config.logLevel, fields: { app: 'gateway' } });
  const registry = new MetricsRegistry();
  registerProcessMetrics(registry);
  const { app, url } = await startGateway(config, logger, registry);
  app.enableShutdownHooks();
  logger.info('gateway listening', { url, upstreams: Object.fromEntries(Object.entries(config.upstreams).map(([name, u]) => [name, u.origin])) });
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
