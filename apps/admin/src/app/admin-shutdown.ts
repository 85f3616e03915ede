import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';

/** Nest token of the function releasing what startAdmin opened outside Nest. */
export const ADMIN_SHUTDOWN = Symbol('ADMIN_SHUTDOWN');

/** Releases the producer and process metrics after Nest (and the streams application) has shut down, on close() and on signals alike. */
@Injectable()
export class AdminShutdown implements OnApplicationShutdown {
  constructor(@Inject(ADMIN_SHUTDOWN) private readonly release: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.release();
  }
}
