import { TopicDeclaration, topicKinds } from './declaration';
import { InvalidDeclarationError } from './errors';

const NAME = new RegExp(`^(${topicKinds.join('|')})\\.[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*$`);
const NAMESPACE = /^[a-zA-Z0-9_-][a-zA-Z0-9._-]*$/;
/** Kafka's limit is 249 characters; keep room for a namespace and streams-derived suffixes. */
const MAX_NAME = 120;
/** `max.message.bytes` bounds: room for one small record, and no more than 8 MiB (large records belong in object storage). */
const MIN_MESSAGE_BYTES = 1024;
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Every rule a declaration set must satisfy; returns human-readable issues (empty when valid). */
export function validateDeclarations(declarations: readonly TopicDeclaration[]): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  for (const decl of declarations) {
    const at = decl.name;
    if (!NAME.test(decl.name)) issues.push(`${at}: name must be <kind>.<domain>.<dataset> with kind ${topicKinds.join('|')} and lower-case kebab segments`);
    if (decl.name.length > MAX_NAME) issues.push(`${at}: name longer than ${MAX_NAME} characters`);
    if (seen.has(decl.name)) issues.push(`${at}: declared twice`);
    seen.add(decl.name);
    if (decl.entity && !decl.cleanupPolicy.includes('compact')) issues.push(`${at}: entity topics must be compacted (cleanup.policy compact)`);
    if (!decl.cleanupPolicy.includes('compact') && decl.minCompactionLagMs !== undefined) issues.push(`${at}: minCompactionLagMs needs a compacted topic`);
    if (!Number.isInteger(decl.partitions) || decl.partitions < 1) issues.push(`${at}: partitions must be a positive integer`);
    if (decl.replicationFactor !== undefined && (!Number.isInteger(decl.replicationFactor) || decl.replicationFactor < 1)) {
      issues.push(`${at}: replicationFactor must be a positive integer`);
    }
    if (decl.retentionMs !== undefined && (!Number.isInteger(decl.retentionMs) || decl.retentionMs < -1)) issues.push(`${at}: retentionMs must be -1 or more`);
    if (decl.segmentBytes !== undefined && (!Number.isInteger(decl.segmentBytes) || decl.segmentBytes < 1024 * 1024)) {
      issues.push(`${at}: segmentBytes must be at least 1 MiB`);
    }
    if (!Number.isInteger(decl.maxMessageBytes) || decl.maxMessageBytes < MIN_MESSAGE_BYTES || decl.maxMessageBytes > MAX_MESSAGE_BYTES) {
      issues.push(`${at}: maxMessageBytes must be an integer from ${MIN_MESSAGE_BYTES} to ${MAX_MESSAGE_BYTES}`);
    }
    if (!decl.owner) issues.push(`${at}: owner app is required`);
  }
  issues.push(...coPartitionIssues(declarations));
  return issues;
}

function coPartitionIssues(declarations: readonly TopicDeclaration[]): string[] {
  const groups = new Map<string, TopicDeclaration[]>();
  for (const decl of declarations) {
    if (decl.coPartitionGroup) groups.set(decl.coPartitionGroup, [...(groups.get(decl.coPartitionGroup) ?? []), decl]);
  }
  const issues: string[] = [];
  for (const [group, members] of groups) {
    const counts = new Set(members.map((member) => member.partitions));
    if (counts.size > 1) {
      issues.push(`co-partition group ${group}: partition counts differ (${members.map((m) => `${m.name}=${m.partitions}`).join(', ')})`);
    }
  }
  return issues;
}

export function assertValidDeclarations(declarations: readonly TopicDeclaration[]): void {
  const issues = validateDeclarations(declarations);
  if (issues.length > 0) throw new InvalidDeclarationError(issues);
}

export function assertValidNamespace(namespace: string | undefined): void {
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    throw new InvalidDeclarationError([`namespace "${namespace}" may only contain letters, digits, '.', '_' and '-'`]);
  }
}
