import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from '@platform/testing';
import { DriverUnavailableError } from './drivers/driver';
import { LocalDriver } from './drivers/local-driver';

/** The local driver against the real Fleet + control endpoint of `npm start` (infrastructure/bin/lib), run in a child process. */
describe('local driver and the npm start control endpoint', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-local-driver-'));
  const file = path.join(dir, 'supervisor.json');
  const stateDir = path.join(dir, 'state');
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, [path.join(__dirname, '__fixtures__', 'supervisor.mjs'), file, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('ready front='), { timeoutMs: 15_000, description: `the supervisor started (output: ${output})` });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const versionAt = async (url: string | undefined) => ((await (await fetch(`${url}/`)).json()) as { version: number }).version;

  it('lists, starts a second version beside the first, routes to it with no failed request through the front proxy, stops and wipes the old one', async () => {
    const front = /ready front=(\S+)/.exec(output)?.[1];
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const driver = await LocalDriver.connect(file, 10_000);
    const [v1] = await driver.instances('tiny');
    expect(v1).toMatchObject({ app: 'tiny', version: 1, state: 'running', live: true, stateDir });
    await waitFor(async () => (await versionAt(v1?.url).catch(() => 0)) === 1, { timeoutMs: 10_000, description: 'v1 answers' });
    // a client going through the stable front address the whole time
    let running = true;
    const answers: number[] = [];
    const failures: string[] = [];
    const client = (async () => {
      while (running) {
        try {
          const response = await fetch(`${front}/`);
          if (response.ok) answers.push(((await response.json()) as { version: number }).version);
          else failures.push(`HTTP ${response.status}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    })();

    await driver.start('tiny', 2, { env: { OUTBOUND_SIDE_EFFECTS: 'off' } });
    const v2 = (await driver.instances('tiny')).find((i) => i.version === 2);
    expect(v2).toMatchObject({ state: 'running', live: false });
    expect(v2?.url).not.toBe(v1?.url);
    await waitFor(async () => (await versionAt(v2?.url).catch(() => 0)) === 2, { timeoutMs: 10_000, description: 'v2 answers beside v1' });

    await expect(driver.stop('tiny', 1)).rejects.toThrow(/serves client traffic/);
    await waitFor(() => answers.length > 0, { timeoutMs: 10_000, description: 'the client got an answer before the switch' });
    await driver.route('tiny', 2);
    await waitFor(() => answers.includes(2), { timeoutMs: 10_000, description: 'the client reached v2 after the switch' });
    expect(await driver.liveVersion('tiny')).toBe(2);

    fs.mkdirSync(path.join(stateDir, 'tiny-v1', '0_0'), { recursive: true });
    fs.mkdirSync(path.join(stateDir, 'tiny-v2', '0_0'), { recursive: true });
    await expect(driver.wipeState('tiny', 1)).rejects.toThrow(/409.*running/);
    await driver.stop('tiny', 1);
    await driver.stop('tiny', 1); // idempotent
    expect((await driver.instances('tiny')).find((i) => i.version === 1)?.state).toBe('stopped');
    await expect(versionAt(v1?.url)).rejects.toThrow();
    expect(await driver.wipeState('tiny', 1)).toEqual([path.join(stateDir, 'tiny-v1')]);
    expect(fs.existsSync(path.join(stateDir, 'tiny-v1'))).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'tiny-v2', '0_0'))).toBe(true);

    await expect(driver.start('nope', 1)).rejects.toThrow(/404/);
    running = false;
    await client;
    // every request through the front answered, first by v1 then (after the route switch) only by v2
    expect(failures).toEqual([]);
    expect(answers[0]).toBe(1);
    expect(answers[answers.length - 1]).toBe(2);
    const switchedAt = answers.indexOf(2);
    expect(answers.slice(switchedAt).every((v) => v === 2)).toBe(true);
    await driver.close();
  });

  it('says when no npm start is running', async () => {
    await expect(LocalDriver.connect(path.join(dir, 'absent.json'), 1000)).rejects.toThrow(DriverUnavailableError);
  });
});
