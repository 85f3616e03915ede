import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ResolvedModuleOptions } from './options';
import { STREAMS_MODULE_OPTIONS } from './tokens';

/** Starts the module's write probe (if any) with the Nest app and stops it before shutdown. */
@Injectable()
export class WriteProbeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(STREAMS_MODULE_OPTIONS) private readonly options: ResolvedModuleOptions) {}

  onApplicationBootstrap(): void {
    this.options.writeProbe?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.options.writeProbe?.stop();
  }
}
