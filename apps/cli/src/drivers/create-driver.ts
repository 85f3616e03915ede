import type { CliConfig } from '../config';
import type { PlatformDriver } from './driver';
import { LocalDriver } from './local-driver';

/**
 * The driver CLI_DRIVER names. The Kubernetes driver (and its client library) is loaded only when chosen: loading it
 * costs every invocation about a second of CPU, which `npm start` users and a busy CI machine should not pay.
 */
export async function createDriver(config: CliConfig): Promise<PlatformDriver> {
  if (config.driver === 'local') return LocalDriver.connect(config.supervisorFile, config.timeoutMs);
  const { connectKubernetes } = await import('./kubernetes/connect');
  return connectKubernetes(config);
}
