import { createServer } from 'node:net';
import { PreflightError } from './errors';

/** Resolves when nothing listens on host:port; a listener found is a PreflightError. */
export function checkPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(
        new PreflightError(
          `port ${port} (${what}) on ${host} is already in use (${cause.code ?? cause.message})`,
          'stop whatever listens there or choose another port (see infrastructure/README.md)',
          { cause },
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** A port the OS reports free right now: the config lib's. */
export { freePort } from '@platform/config';
