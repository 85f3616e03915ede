/**
 * What rides in the consumer-group protocol's userData (JSON, versioned):
 * - subscription (member → leader): the member's advertised endpoint and the tasks it holds
 *   locally with their offset sums (how far each copy of the state has come);
 * - assignment (leader → every member): the full map of who owns which task, with endpoints and
 *   topic partitions, so every instance can answer "where does task X live".
 */
export const PROTOCOL_VERSION = 1;

export interface SubscriptionInfo {
  readonly version: number;
  /** `host:port` from the `applicationServer` option, if any. */
  readonly endpoint?: string;
  /** taskId → offset sum of the local state (0 for a stateless task the member currently runs). */
  readonly tasks: Readonly<Record<string, number>>;
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface MemberTasks {
  readonly memberId: string;
  readonly endpoint?: string;
  readonly tasks: readonly string[];
  readonly partitions: readonly TopicPartitions[];
}

export interface AssignmentInfo {
  readonly version: number;
  readonly members: readonly MemberTasks[];
}

export function encodeSubscription(info: SubscriptionInfo): Buffer {
  return Buffer.from(JSON.stringify(info));
}

export function decodeSubscription(data: Buffer | null | undefined): SubscriptionInfo {
  const parsed = parse(data) as Partial<SubscriptionInfo> | undefined;
  if (!parsed || typeof parsed !== 'object') return { version: PROTOCOL_VERSION, tasks: {} };
  return { version: parsed.version ?? 0, endpoint: parsed.endpoint, tasks: parsed.tasks ?? {} };
}

export function encodeAssignment(info: AssignmentInfo): Buffer {
  return Buffer.from(JSON.stringify(info));
}

export function decodeAssignment(data: Buffer | null | undefined): AssignmentInfo | undefined {
  const parsed = parse(data) as AssignmentInfo | undefined;
  return parsed && Array.isArray(parsed.members) ? parsed : undefined;
}

function parse(data: Buffer | null | undefined): unknown {
  if (!data || data.length === 0) return undefined;
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}
