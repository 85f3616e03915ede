/**
 * The one seam between the CLI's Kafka-side logic (shared) and whatever runs the app processes.
 *
 * Every operation of the CLI (`app reset`, `app reprocess`, `app rollback`, `apps`) is written against this
 * interface and never against a process manager directly. Two implementations:
 *  - `local` (drivers/local-driver.ts): the supervisor of `npm start`, reached through the control endpoint
 *    it announces in `.data/supervisor.json` (infrastructure/bin/lib/control.mjs);
 *  - `kubernetes` (drivers/kubernetes/): the Helm chart's StatefulSet per app version, and a client Service per
 *    app that selects the live version.
 *
 * Terms:
 *  - `app` is the short app name (`communication`), the directory under apps/ and the Helm component;
 *  - `version` is the streams application version (APP_VERSION): the consumer group is
 *    `<applicationId>-v<version>`, and internal topics / local state are keyed by it
 *    (`applicationKey` of @platform/streams), so two versions of an app run side by side without sharing
 *    anything but the input topics;
 *  - the *live* version is the one the gateway (or the Kubernetes Service) routes client traffic to.
 *
 * Contract for implementations:
 *  - every method is idempotent: stopping a stopped version, starting a running one, routing to the version
 *    already live all resolve without doing anything;
 *  - `stop` resolves only once every instance of the version has exited (so its consumers have left the
 *    group: the CLI checks the group afterwards and refuses to reset a group that still has members);
 *  - `start` resolves once the instances are started (processes spawned / pods scheduled); readiness is
 *    the caller's concern: the CLI watches the group's lag and the instances' `/health/ready`;
 *  - `route` switches client traffic atomically from the caller's point of view: requests already in flight
 *    on the old version complete there, new requests go to `version`;
 *  - `wipeState` deletes the local state (`<stateDir>/<applicationKey>/`, the SQLite stores) of every
 *    instance of that version, stopped ones included; it must never touch another version's state;
 *  - errors are thrown as `Error`s with a one-line message saying what to do; an unreachable control plane
 *    (no supervisor running, no cluster access) throws `DriverUnavailableError`.
 */
export interface PlatformDriver {
  /** `local` or `kubernetes`: printed in plans. */
  readonly name: string;
  /** Every instance the driver knows of, optionally of one app; stopped versions that still have state are included. */
  instances(app?: string): Promise<AppInstance[]>;
  /** The version client traffic goes to, or undefined when the app is not routed (not an API app, or not running). */
  liveVersion(app: string): Promise<number | undefined>;
  /** Starts every instance of `version` of `app` (a new version gets its own ports / pods). */
  start(app: string, version: number, options?: StartOptions): Promise<void>;
  /** Stops every instance of `version` of `app` and waits until they have exited. */
  stop(app: string, version: number): Promise<void>;
  /** Routes client traffic for `app` to `version` (which must be running). */
  route(app: string, version: number): Promise<void>;
  /** Deletes the local state of every instance of `version` of `app`; returns what was removed (paths, volume names). */
  wipeState(app: string, version: number): Promise<string[]>;
  /** Releases connections (HTTP agents, watches). */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Instances to run (default: as many as the live version has, at least 1). */
  readonly replicas?: number;
  /**
   * Extra environment for the instances, e.g. `OUTBOUND_SIDE_EFFECTS=off` while a version catches up
   * (see apps/cli/README.md, "Side effects during reprocessing").
   */
  readonly env?: Readonly<Record<string, string>>;
}

export type InstanceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface AppInstance {
  readonly app: string;
  readonly version: number;
  /** Unique per instance: `communication-v2#0`, a pod name… */
  readonly instance: string;
  readonly state: InstanceState;
  /** Where the instance serves HTTP (`http://127.0.0.1:3002`), when it does. */
  readonly url?: string;
  /** OS process id (local driver). */
  readonly pid?: number;
  /** Root of the instance's local state (`STATE_DIR`) as the driver sees it. */
  readonly stateDir?: string;
  /** True when the gateway routes client traffic to this instance's version. */
  readonly live: boolean;
}

/** The driver's control plane cannot be reached (no `npm start` running, no cluster credentials). */
export class DriverUnavailableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'DriverUnavailableError';
  }
}
