import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { StreamsApplication, type TopologySpec } from '@platform/streams';
import { KINDS, type KubeApi, type PersistentVolumeClaim, type Pod } from '../kube-api';
import { VERSION_LABEL } from '../version-objects';

/**
 * What the kubelet and the container would do for kwok's fake pods, in the test process: every Ready pod of the app
 * runs a StreamsApplication of its version (APP_VERSION from the pod's label) with its state in a directory named
 * after its PersistentVolumeClaim's uid; a pod that is gone or terminating has its application closed; a claim that is
 * deleted has its directory removed. So the Kafka side (groups, members, lag, state) follows what the Kubernetes
 * driver does to the cluster.
 */
export class PodRuntime {
  private readonly running = new Map<string, { version: number; streams: StreamsApplication }>();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  readonly started: string[] = [];

  constructor(
    private readonly api: KubeApi,
    private readonly app: string,
    private readonly applicationId: string,
    private readonly kafka: Kafka,
    private readonly topology: () => TopologySpec,
    private readonly stateRoot: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.sync()).catch(() => undefined);
    }, 250);
  }

  /** The running application of a version (the first pod's), for reading its store. */
  application(version: number): StreamsApplication | undefined {
    return [...this.running.values()].find((r) => r.version === version)?.streams;
  }

  private async sync(): Promise<void> {
    // A claim's directory is named by its uid: a claim deleted and made again (reset) starts empty, like a new volume.
    const claims = new Map((await this.api.list<PersistentVolumeClaim>(KINDS.pvc, `app.kubernetes.io/name=${this.app}`)).map((c) => [c.metadata.name, c.metadata.uid ?? c.metadata.name]));
    const pods = await this.api.list<Pod>(KINDS.pod, `app.kubernetes.io/name=${this.app}`);
    const alive = new Map<string, Pod>();
    for (const pod of pods) {
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready && !pod.metadata.deletionTimestamp) alive.set(pod.metadata.name, pod);
    }
    for (const [name, entry] of [...this.running]) {
      if (alive.has(name)) continue;
      this.running.delete(name);
      await entry.streams.close();
    }
    for (const [name, pod] of alive) {
      const claim = claims.get(`state-${name}`);
      if (this.running.has(name) || claim === undefined) continue;
      const version = Number(pod.metadata.labels?.[VERSION_LABEL]);
      const streams = new StreamsApplication(this.topology(), { app: { id: this.applicationId, version }, kafka: this.kafka, stateDir: path.join(this.stateRoot, claim), commitIntervalMs: 100, processingExceptionHandler: {} });
      this.running.set(name, { version, streams });
      this.started.push(`${name}@v${version}`);
      await streams.start();
    }
    const live = new Set(claims.values());
    for (const dir of fs.existsSync(this.stateRoot) ? fs.readdirSync(this.stateRoot) : []) {
      if (!live.has(dir)) fs.rmSync(path.join(this.stateRoot, dir), { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    await Promise.all([...this.running.values()].map((r) => r.streams.close()));
    this.running.clear();
  }
}
