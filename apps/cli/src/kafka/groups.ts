import { AssignerProtocol, type Admin } from 'kafkajs';
import { refused } from '../exit-codes';

/** A live member of a consumer group and what it owns. */
export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  /** `host:port` the streams instance advertises for interactive queries (from the engine's assignment data), when known. */
  readonly endpoint?: string;
  readonly partitions: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

export interface GroupState {
  readonly group: string;
  /** Broker's view: `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Empty`, `Dead`. */
  readonly state: string;
  readonly members: readonly GroupMember[];
}

/** Longest assignment userData parsed for endpoints (the engine's JSON task map). */
const MAX_USER_DATA = 1024 * 1024;

export async function describeGroup(admin: Admin, group: string): Promise<GroupState> {
  const { groups } = await admin.describeGroups([group]);
  const found = groups[0];
  if (!found) return { group, state: 'Dead', members: [] };
  const members = found.members.map((member): GroupMember => {
    const assignment = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
    const partitions = Object.entries(assignment?.assignment ?? {}).map(([topic, list]) => ({ topic, partitions: [...list].sort((a, b) => a - b) }));
    const endpoint = endpointOf(assignment?.userData, member.memberId);
    return { memberId: member.memberId, clientId: member.clientId, host: member.clientHost, ...(endpoint ? { endpoint } : {}), partitions };
  });
  return { group, state: found.state, members };
}

/** The streams engine puts `{ members: [{ memberId, endpoint }] }` into every member's assignment userData. */
function endpointOf(userData: Buffer | null | undefined, memberId: string): string | undefined {
  if (!userData || userData.length === 0 || userData.length > MAX_USER_DATA) return undefined;
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as { members?: unknown };
    if (!Array.isArray(parsed.members)) return undefined;
    for (const m of parsed.members as unknown[]) {
      if (m && typeof m === 'object' && (m as { memberId?: unknown }).memberId === memberId) {
        const endpoint = (m as { endpoint?: unknown }).endpoint;
        return typeof endpoint === 'string' ? endpoint : undefined;
      }
    }
  } catch {
    // not the engine's format: no endpoint
  }
  return undefined;
}

/** Refuses (exit 5) when the group has live members: offsets of a live group cannot be moved safely. */
export async function assertNoMembers(admin: Admin, group: string, hint: string): Promise<void> {
  const state = await describeGroup(admin, group);
  if (state.members.length > 0) {
    throw refused(`group ${group} has ${state.members.length} live member(s) (${state.members.map((m) => m.endpoint ?? m.host).join(', ')}) — ${hint}`);
  }
}

/** Polls until the group has no members (consumers leave on close; a crashed one after its session timeout). */
export async function waitForEmptyGroup(admin: Admin, group: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await describeGroup(admin, group);
    if (state.members.length === 0) return;
    if (Date.now() > deadline || signal?.aborted) throw refused(`group ${group} still has ${state.members.length} member(s) after ${Math.round(timeoutMs / 1000)} s — stop them, then retry`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
