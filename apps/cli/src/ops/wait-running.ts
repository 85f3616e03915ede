import type { PlatformDriver } from '../drivers/driver';
import { CliError, EXIT } from '../exit-codes';

/**
 * Waits until `version` of `app` serves again after a start: at least one instance running (a Ready pod, a
 * process answering `/health/ready`) and none still starting or stopping. Instances the driver lists as
 * stopped (kept state of a replica no longer scheduled) do not hold it up; a crashed one ends the wait.
 */
export async function waitForRunning(driver: PlatformDriver, app: string, version: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = (await driver.instances(app)).filter((i) => i.version === version);
    const crashed = mine.filter((i) => i.state === 'crashed');
    if (crashed.length > 0) throw new CliError(`${app} v${version} did not come back: ${crashed.map((i) => i.instance).join(', ')} crashed`, EXIT.failed);
    if (mine.some((i) => i.state === 'running') && !mine.some((i) => i.state === 'starting' || i.state === 'stopping')) return;
    if (Date.now() > deadline || signal?.aborted) {
      const states = mine.map((i) => `${i.instance} ${i.state}`).join(', ') || 'no instance';
      throw new CliError(`${app} v${version} was started but is not ready after ${Math.round(timeoutMs / 1000)} s (${states})`, EXIT.failed);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
