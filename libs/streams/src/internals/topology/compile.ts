import { TopologyError } from '../../errors';
import { parentsOf, topicKey, type DraftNode, type TopologyDraft } from './draft';
import type { NodeSpec, RepartitionTopicSpec, SubtopologySpec, TopicRef, TopologySpec } from './spec';

/**
 * Validates a draft and compiles it into a `TopologySpec`: children from parents, subtopologies
 * as connected components (edges between nodes, plus processors sharing a store; topics cut the
 * graph, so a repartition sink ends one subtopology and its source starts another), co-partition
 * groups (declared ones, plus the source topics of every stateful subtopology with several
 * inputs, since its state is partitioned), and repartition topics.
 */
export function compileTopology(draft: TopologyDraft): TopologySpec {
  validate(draft);
  const order = [...draft.nodes.keys()];
  const children = new Map<string, string[]>(order.map((n) => [n, []]));
  for (const node of draft.nodes.values()) {
    for (const parent of parentsOf(node)) children.get(parent)?.push(node.name);
  }
  const nodes = new Map<string, NodeSpec>();
  for (const node of draft.nodes.values()) nodes.set(node.name, toSpec(node, children.get(node.name) ?? []));

  const subtopologies = splitSubtopologies(draft, order, children);
  const copartitionGroups = mergeGroups([
    ...draft.copartitionGroups,
    ...subtopologies.filter((s) => s.stores.length > 0 && s.sourceTopics.length > 1).map((s) => s.sourceTopics),
  ]);
  const repartitionTopics: RepartitionTopicSpec[] = [];
  const seen = new Set<string>();
  for (const node of draft.nodes.values()) {
    if (node.kind === 'processor' || node.topic.kind !== 'repartition' || seen.has(node.topic.name)) continue;
    seen.add(node.topic.name);
    const partitions = draft.repartitionPartitions.get(node.topic.name);
    repartitionTopics.push(partitions === undefined ? { name: node.topic.name } : { name: node.topic.name, partitions });
  }
  return { nodes, stores: new Map(draft.stores), subtopologies, copartitionGroups, repartitionTopics };
}

function toSpec(node: DraftNode, children: string[]): NodeSpec {
  switch (node.kind) {
    case 'source':
      return { ...node, children };
    case 'processor':
      return { kind: 'processor', name: node.name, supplier: node.supplier, stores: [...node.stores], children };
    case 'sink': {
      const { parents: _parents, ...sink } = node;
      return sink;
    }
  }
}

function validate(draft: TopologyDraft): void {
  const sourceTopics = new Map<string, string>();
  const storeUsers = new Map<string, number>();
  for (const node of draft.nodes.values()) {
    if (node.kind === 'source') {
      const key = topicKey(node.topic);
      const other = sourceTopics.get(key);
      if (other) throw new TopologyError(`topic ${node.topic.name} is read by two sources: ${other}, ${node.name}`);
      sourceTopics.set(key, node.name);
      continue;
    }
    if (node.parents.length === 0) throw new TopologyError(`${node.kind} ${node.name} has no parent`);
    for (const parent of node.parents) {
      const p = draft.nodes.get(parent);
      if (!p) throw new TopologyError(`${node.name} has unknown parent ${parent}`);
      if (p.kind === 'sink') throw new TopologyError(`sink ${parent} cannot be the parent of ${node.name}`);
    }
    if (node.kind === 'processor') {
      for (const store of node.stores) {
        if (!draft.stores.has(store)) throw new TopologyError(`processor ${node.name} uses unknown store ${store}`);
        storeUsers.set(store, (storeUsers.get(store) ?? 0) + 1);
      }
    }
  }
  for (const store of draft.stores.keys()) {
    if (!storeUsers.has(store)) throw new TopologyError(`store ${store} is not connected to any processor`);
  }
  for (const node of draft.nodes.values()) {
    if (node.kind === 'sink' && node.topic.kind === 'repartition' && !sourceTopics.has(topicKey(node.topic))) {
      throw new TopologyError(`repartition topic ${node.topic.name} is written by ${node.name} but never read`);
    }
  }
  for (const name of draft.repartitionPartitions.keys()) {
    if (!sourceTopics.has(topicKey({ kind: 'repartition', name }))) {
      throw new TopologyError(`repartition topic ${name} is declared but never read`);
    }
  }
  if (draft.nodes.size === 0) throw new TopologyError('topology has no nodes');
  findCycle(draft);
}

function findCycle(draft: TopologyDraft): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new TopologyError(`cycle: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    const node = draft.nodes.get(name);
    if (node) for (const parent of parentsOf(node)) visit(parent, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of draft.nodes.keys()) visit(name, []);
}

function splitSubtopologies(
  draft: TopologyDraft,
  order: string[],
  children: Map<string, string[]>,
): SubtopologySpec[] {
  const root = new Map<string, string>(order.map((n) => [n, n]));
  const find = (n: string): string => {
    let r = n;
    while (root.get(r) !== r) r = root.get(r) as string;
    root.set(n, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) root.set(rb, ra);
  };
  const storeOwner = new Map<string, string>();
  for (const node of draft.nodes.values()) {
    for (const parent of parentsOf(node)) union(parent, node.name);
    if (node.kind !== 'processor') continue;
    for (const store of node.stores) {
      const owner = storeOwner.get(store);
      if (owner) union(owner, node.name);
      else storeOwner.set(store, node.name);
    }
  }
  const components = new Map<string, string[]>();
  for (const name of order) {
    const r = find(name);
    const list = components.get(r) ?? [];
    list.push(name);
    components.set(r, list);
  }
  const storeOrder = [...draft.stores.keys()];
  return [...components.values()].map((members, id) => {
    const sorted = topologicalOrder(members, draft, children);
    const sources = sorted.filter((n) => draft.nodes.get(n)?.kind === 'source');
    const memberSet = new Set(members);
    const stores = storeOrder.filter((s) => memberSet.has(storeOwner.get(s) as string));
    const sourceTopics: TopicRef[] = sources.map((n) => (draft.nodes.get(n) as { topic: TopicRef }).topic);
    return { id, sourceNodes: sources, sourceTopics, nodes: sorted, stores };
  });
}

/** Sources first (declaration order), then every node after all its parents (ties: declaration order). */
function topologicalOrder(members: string[], draft: TopologyDraft, children: Map<string, string[]>): string[] {
  const pending = new Map<string, number>();
  for (const name of members) pending.set(name, parentsOf(draft.nodes.get(name) as DraftNode).length);
  const rank = (n: string) => (draft.nodes.get(n)?.kind === 'source' ? 0 : members.length) + members.indexOf(n);
  const result: string[] = [];
  const ready = members.filter((n) => pending.get(n) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a) - rank(b));
    const next = ready.shift() as string;
    result.push(next);
    for (const child of children.get(next) ?? []) {
      const left = (pending.get(child) ?? 0) - 1;
      pending.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return result;
}

function mergeGroups(groups: readonly (readonly TopicRef[])[]): TopicRef[][] {
  const merged: Map<string, TopicRef>[] = [];
  for (const group of groups) {
    const current = new Map(group.map((t) => [topicKey(t), t]));
    for (let i = merged.length - 1; i >= 0; i--) {
      if ([...current.keys()].some((k) => merged[i].has(k))) {
        for (const [k, t] of merged[i]) current.set(k, t);
        merged.splice(i, 1);
      }
    }
    if (current.size > 1) merged.push(current);
  }
  return merged.map((m) => [...m.values()]);
}
