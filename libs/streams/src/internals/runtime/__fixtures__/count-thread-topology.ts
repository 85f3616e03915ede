import * as fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import type { ThreadTopologyResult } from '../options';
import type { NodeSpec, ProcessorNodeSpec } from '../../topology/spec';
import { countTopology } from './count-topology';

export interface CountThreadArgs {
  readonly input: string;
  readonly output?: string;
  /** When set, the first stream thread to see key `die` creates this file and exits its worker. */
  readonly dieMarker?: string;
}

/** Test fixture: the count topology as stream threads build it (`threadTopology`). */
export function topology(thread: { index: number; args: unknown }): ThreadTopologyResult {
  const { input, output, dieMarker } = thread.args as CountThreadArgs;
  const spec = countTopology(input, output);
  if (!dieMarker) return { topology: spec };
  const nodes = new Map<string, NodeSpec>([...spec.nodes].map(([name, node]) => {
    if (node.kind !== 'processor') return [name, node];
    const supplier: ProcessorNodeSpec['supplier'] = () => {
      const inner = node.supplier();
      return {
        ...inner,
        init: (ctx) => inner.init?.(ctx),
        process: (record) => {
          if (record.key === 'die' && !isMainThread && !fs.existsSync(dieMarker)) {
            fs.writeFileSync(dieMarker, String(thread.index));
            process.exit(3);
          }
          inner.process(record);
        },
      };
    };
    return [name, { ...node, supplier }] as const;
  }));
  return { topology: { ...spec, nodes } };
}
