import { StreamsBuilder } from '../src/dsl/streams-builder';
import { Serdes } from '../src/serdes/serdes';
import type { TopologySpec } from '../src/internals/topology/spec';

/** Case 2: filter → mapValues → to. */
export function statelessTopology(input: string, output: string): TopologySpec {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .filter((_k, v) => v.length > 0)
    .mapValues((v) => `m${v.slice(1)}`)
    .to(output, { keySerde: Serdes.string(), valueSerde: Serdes.string() });
  return builder.build();
}

/** Case 2 as stream threads build it (`threadTopology`, args = { input, output }). */
export function statelessThreads(thread: { args: unknown }): TopologySpec {
  const { input, output } = thread.args as { input: string; output: string };
  return statelessTopology(input, output);
}
