import { createServer, Server } from 'node:net';
import { PreflightError } from './errors';
import { checkJava, checkMaven, parseJavaMajor } from './preflight';
import { checkPortFree, freePort } from './ports';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['no version here', undefined],
  ])('%s → %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});

describe('preflight checks', () => {
  it('finds the installed Java (17 or newer)', async () => {
    expect(await checkJava()).toBeGreaterThanOrEqual(17);
  });

  it('names a missing Java or Maven in one line with what to do', async () => {
    await expect(checkJava('/nonexistent/java')).rejects.toThrow(/^Java not found \(\/nonexistent\/java\) — install a JDK 17\+/);
    await expect(checkMaven('/nonexistent/mvn')).rejects.toThrow(/^Maven not found \(\/nonexistent\/mvn\) — install Maven/);
  });

  it('accepts a free port and rejects a taken one', async () => {
    const port = await freePort();
    await expect(checkPortFree(port, 'Kafka')).resolves.toBeUndefined();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const check = checkPortFree(port, 'Kafka');
      await expect(check).rejects.toBeInstanceOf(PreflightError);
      await expect(checkPortFree(port, 'Kafka')).rejects.toThrow(new RegExp(`^port ${port} \\(Kafka\\) on 127.0.0.1 is already in use`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
