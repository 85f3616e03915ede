import { PassThrough, Writable } from 'node:stream';
import { kafkaBrokers, registryUrl } from '@platform/testing';
import type { CliConfig } from '../config';
import type { PlatformDriver } from '../drivers/driver';
import { DriverUnavailableError } from '../drivers/driver';
import { runCli } from '../run';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

/** The CLI's config for the broker and registry under test. */
export function testConfig(overrides: Partial<CliConfig> = {}): CliConfig {
  return { kafka: { brokers: kafkaBrokers() }, registry: { url: registryUrl() }, topicsNamespace: undefined, driver: 'local', supervisorFile: '/nonexistent/supervisor.json', kubeNamespace: 'default', timeoutMs: 30_000, ...overrides };
}

/** Runs one CLI invocation in this process, as `npm run cli -- ...argv` would, capturing its output. */
export async function runCliForTest(argv: readonly string[], driver?: PlatformDriver, config: CliConfig = testConfig()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const stdin = new PassThrough();
  const code = await runCli(argv, {
    config: () => config,
    createDriver: async () => {
      if (!driver) throw new DriverUnavailableError('no driver in this test');
      return { ...driverFacade(driver), close: async () => undefined };
    },
    streams: { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), stdin },
  });
  stdin.destroy();
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

/** The driver without its close (the test closes it), methods bound. */
function driverFacade(driver: PlatformDriver): PlatformDriver {
  return {
    name: driver.name,
    instances: (app) => driver.instances(app),
    liveVersion: (app) => driver.liveVersion(app),
    start: (app, version, options) => driver.start(app, version, options),
    stop: (app, version) => driver.stop(app, version),
    route: (app, version) => driver.route(app, version),
    wipeState: (app, version) => driver.wipeState(app, version),
    close: async () => undefined,
  };
}
