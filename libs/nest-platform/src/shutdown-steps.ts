import { Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { errorMessage, type Logger } from '@platform/common';

type Step = { readonly name: string; readonly run: () => Promise<unknown> };

/**
 * Shutdown order of an app's parts that live outside Nest, run by Nest's own hooks (so SIGTERM, handled
 * by Nest's shutdown hooks, and `close()` take the same path): what must stop taking work first
 * (`beforeClose`: ingress, sockets, pushers) runs in `beforeApplicationShutdown`, beside the streams
 * application closing; what others still use (`afterClose`: producers, global tables) runs last, in
 * `onApplicationShutdown`. Steps run newest first; a failing step is logged and the rest still run.
 * Register the instance as a provider (`{ provide: ShutdownSteps, useValue: steps }`).
 */
@Injectable()
export class ShutdownSteps implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly first: Step[] = [];
  private readonly last: Step[] = [];

  constructor(
    private readonly logger: Logger,
    /** The app's name in the "stopping" / "stopped" lines. */
    private readonly app: string,
  ) {}

  /** Runs before the streams application closes (newest first). */
  beforeClose(name: string, run: () => Promise<unknown>): void {
    this.first.push({ name, run });
  }

  /** Runs once everything else is closed (newest first). */
  afterClose(name: string, run: () => Promise<unknown>): void {
    this.last.push({ name, run });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.logger.info(`${this.app} stopping`);
    await this.run(this.first);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.run(this.last);
    this.logger.info(`${this.app} stopped`);
  }

  /** Runs every step without Nest (a start that failed before Nest existed). */
  async abort(): Promise<void> {
    await this.run(this.first);
    await this.run(this.last);
  }

  private async run(steps: Step[]): Promise<void> {
    for (const step of steps.splice(0).reverse()) {
      const started = Date.now();
      await step.run().catch((error: unknown) => this.logger.warn('shutdown step failed', { step: step.name, error: errorMessage(error) }));
      this.logger.debug('shutdown step done', { step: step.name, ms: Date.now() - started });
    }
  }
}
