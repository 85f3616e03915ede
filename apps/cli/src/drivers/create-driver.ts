import type { CliConfig } from '../config';
import { DriverUnavailableError, type PlatformDriver } from './driver';
import { LocalDriver } from './local-driver';

/** The driver CLI_DRIVER names. */
export async function createDriver(config: CliConfig): Promise<PlatformDriver> {
  if (config.driver === 'local') return LocalDriver.connect(config.supervisorFile, config.timeoutMs);
  throw new DriverUnavailableError('CLI_DRIVER=kubernetes: the Kubernetes driver is not part of this build yet (it comes with the Helm chart, #13) — use CLI_DRIVER=local beside npm start; the inspection commands need no driver');
}
