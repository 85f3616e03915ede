import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { applicationKey, StreamsApplication, type StreamsApplicationOptions, type TopologySpec } from '@platform/streams';
import type { AppInstance, PlatformDriver } from '../drivers/driver';

/**
 * A PlatformDriver whose instances are StreamsApplications in the test process (one per version), each
 * with its own state dir: the same contract as the local driver (stop waits for the close, wipe removes
 * `<stateDir>/<applicationKey>`), so the Kafka-side logic of the CLI runs against real members and real state.
 */
export class InProcessDriver implements PlatformDriver {
  readonly name = 'in-process';
  private readonly running = new Map<number, StreamsApplication>();
  private readonly known = new Set<number>();
  private live: number | undefined;
  readonly wiped: string[] = [];

  constructor(
    private readonly app: string,
    private readonly kafka: Kafka,
    private readonly topology: (version: number) => TopologySpec,
    readonly stateDir: string,
    private readonly options: Partial<StreamsApplicationOptions> = {},
  ) {}

  application(version: number): StreamsApplication | undefined {
    return this.running.get(version);
  }

  async instances(app?: string): Promise<AppInstance[]> {
    if (app && app !== this.app) return [];
    return [...this.known].sort().map((version) => ({
      app: this.app,
      version,
      instance: `${this.app}-v${version}#0`,
      state: this.running.has(version) ? 'running' : 'stopped',
      stateDir: this.stateDir,
      live: this.live === version,
    }));
  }

  async liveVersion(app: string): Promise<number | undefined> {
    return app === this.app ? this.live : undefined;
  }

  async start(app: string, version: number): Promise<void> {
    if (app !== this.app || this.running.has(version)) return;
    const streams = new StreamsApplication(this.topology(version), { app: { id: this.app, version }, kafka: this.kafka, stateDir: this.stateDir, commitIntervalMs: 100, processingExceptionHandler: {}, ...this.options });
    this.running.set(version, streams);
    this.known.add(version);
    this.live ??= version;
    await streams.start();
  }

  async stop(app: string, version: number): Promise<void> {
    const streams = app === this.app ? this.running.get(version) : undefined;
    if (!streams) return;
    this.running.delete(version);
    await streams.close();
  }

  async route(app: string, version: number): Promise<void> {
    if (app === this.app) this.live = version;
  }

  async wipeState(app: string, version: number): Promise<string[]> {
    if (this.running.has(version)) throw new Error(`${app} v${version} is running`);
    const dir = path.join(this.stateDir, applicationKey({ id: this.app, version }));
    fs.rmSync(dir, { recursive: true, force: true });
    this.wiped.push(dir);
    return [dir];
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.close()));
    this.running.clear();
  }
}
