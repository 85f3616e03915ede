/**
 * The one place where internal resource names are derived. Pure: the same application and the
 * same operator/store names always give the same topics, so a topology change that keeps names
 * keeps its state and its consumer group.
 */
export interface ApplicationIdentity {
  /** e.g. `communication` (may carry a namespace prefix chosen by the caller). */
  readonly id: string;
  /** Version of the application; a new version runs beside the old one with its own state. */
  readonly version: number;
}

export type InternalTopicKind = 'changelog' | 'repartition';

/** `<id>-v<version>`: consumer group id, transactional id prefix and internal topic prefix. */
export function applicationKey(app: ApplicationIdentity): string {
  return `${app.id}-v${app.version}`;
}

/** `<id>-v<version>-<name>-<kind>`, e.g. `communication-v1-messages-store-changelog`. */
export function internalTopicName(app: ApplicationIdentity, name: string, kind: InternalTopicKind): string {
  return `${applicationKey(app)}-${name}-${kind}`;
}

/** `<id>-v<version>-dlq`: default dead-letter topic of the exception handlers. */
export function deadLetterTopicName(app: ApplicationIdentity): string {
  return `${applicationKey(app)}-dlq`;
}

/** `<id>-v<version>-<taskId>`: the transactional id of a task's producer under exactly-once, so a
 * new owner of the task fences any older producer (a zombie) still holding it. */
export function transactionalId(app: ApplicationIdentity, task: string): string {
  return `${applicationKey(app)}-${task}`;
}

/** Task ids are `<subtopology>_<partition>`. */
export function taskId(subtopology: number, partition: number): string {
  return `${subtopology}_${partition}`;
}

export function parseTaskId(id: string): { subtopology: number; partition: number } {
  const match = /^(\d+)_(\d+)$/.exec(id);
  if (!match) throw new Error(`not a task id: ${id}`);
  return { subtopology: Number(match[1]), partition: Number(match[2]) };
}
