import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { StreamsApplication } from '@platform/streams';
import { STREAMS_APPLICATION } from './tokens';

/** Starts the application when the Nest app has bootstrapped and closes it before Nest shuts down. */
@Injectable()
export class StreamsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.app.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.app.close();
  }
}
