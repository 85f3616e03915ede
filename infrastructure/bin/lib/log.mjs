// Human-readable implementation of the platform Logger interface for terminal output.
export function consoleLogger(prefix = 'infra', fields = {}) {
  const line = (level, message, extra) => {
    const all = { ...fields, ...extra };
    const tail = Object.entries(all).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    const text = `[${prefix}] ${message}${tail ? ` (${tail})` : ''}`;
    (level === 'error' || level === 'warn' ? console.error : console.log)(text);
  };
  return {
    debug: () => undefined,
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
    child: (f) => consoleLogger(prefix, { ...fields, ...f }),
  };
}

/** Prints an infrastructure error as one line (plus the JVM log tail when there is one) and exits. */
export function fail(error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${message}`);
  if (error && typeof error.logTail === 'string' && error.logTail) {
    console.error(error.logTail.split('\n').map((l) => `  | ${l}`).join('\n'));
  }
  if (!(error && error.name && /Error$/.test(error.name) && 'retriable' in error)) console.error(error?.stack ?? '');
  process.exit(1);
}

/** " (resolve 0.1 s, Kafka 7.2 s, registry 15.0 s)" for a locally started stack, "" otherwise. */
export function phases(stack) {
  const t = stack.timings;
  if (!t) return '';
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  return ` (resolve ${s(t.resolveMs)}, Kafka ${s(t.kafkaMs)}, registry ${s(t.registryMs)})`;
}
