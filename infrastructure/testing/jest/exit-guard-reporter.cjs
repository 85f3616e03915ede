// Jest reporter: once the run is complete, Jest must exit by itself. If something still holds the
// process EXIT_GRACE_MS later (a handle no spec file was blamed for, e.g. one opened by a global setup),
// it lists what is open and exits with code 1 instead of leaving `npm test` waiting forever.
const EXIT_GRACE_MS = 15000;

function describeHandles() {
  return process
    ._getActiveHandles()
    .filter((h) => h !== process.stdout && h !== process.stderr && h !== process.stdin)
    .map((h) => {
      const name = h?.constructor?.name ?? typeof h;
      if (h && typeof h.remotePort === 'number') return `${name} to ${h.remoteAddress}:${h.remotePort}`;
      if (h && typeof h.pid === 'number') return `${name} pid ${h.pid}`;
      return name;
    });
}

class ExitGuardReporter {
  onRunComplete() {
    const timer = setTimeout(() => {
      process.stderr.write(`\n[jest] the run completed ${EXIT_GRACE_MS / 1000} s ago but the process is still held open by: ${describeHandles().join(', ') || 'unknown resources'}; failing instead of waiting.\n`);
      process.exit(1);
    }, EXIT_GRACE_MS);
    timer.unref();
  }
}

module.exports = ExitGuardReporter;
