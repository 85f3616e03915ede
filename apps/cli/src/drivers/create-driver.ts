import type { CliConfig } from '../config';
import type { PlatformDriver } from './driver';
import { connectKubernetes } from './kubernetes/connect';
import { LocalDriver } from './local-driver';

/** The driver CLI_DRIVER names. */
export async function createDriver(config: CliConfig): Promise<PlatformDriver> {
  if (config.driver === 'local') return LocalDriver.connect(config.supervisorFile, config.timeoutMs);
  return connectKubernetes(config);
}
