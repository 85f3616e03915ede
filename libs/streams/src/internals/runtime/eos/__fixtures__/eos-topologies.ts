import { StreamsBuilder } from '../../../../dsl/streams-builder';
import { Serdes } from '../../../../serdes/serdes';
import type { TopologySpec } from '../../../topology/spec';

/** Test fixture: stateless map — every input record gives exactly one output, `<value>!` under the same key. */
export function markTopology(input: string, output: string): TopologySpec {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .mapValues((value) => `${value}!`, { name: 'mark' })
    .to(output, { keySerde: Serdes.string(), valueSerde: Serdes.string() });
  return builder.build();
}

/** The mark topology as stream threads build it (`threadTopology`, args = { input, output }). */
export function markThreads(thread: { args: unknown }): TopologySpec {
  const { input, output } = thread.args as { input: string; output: string };
  return markTopology(input, output);
}
