// V8 settings of the platform's stream-processing processes: the apps under `npm start` and the benchmarks.
// A 64 MB young generation (semi-space) instead of V8's 16 MB default: decoding fetched batches allocates
// a few objects per record, and with the small default most of them survive into a scavenge that copies
// them. See "Restoration" in libs/streams/README.md. A deployment sets the same in NODE_OPTIONS, so that
// what is measured is what runs.
export const STREAM_NODE_OPTIONS = '--max-semi-space-size=64';

/** `env` with STREAM_NODE_OPTIONS added to its NODE_OPTIONS (kept when already there). */
export function withStreamNodeOptions(env) {
  const current = env.NODE_OPTIONS ?? '';
  if (current.includes('--max-semi-space-size')) return env;
  return { ...env, NODE_OPTIONS: [current, STREAM_NODE_OPTIONS].filter(Boolean).join(' ') };
}
