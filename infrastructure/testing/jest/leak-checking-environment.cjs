// Jest test environment for every project: Node's environment plus a check, after each spec file's own
// afterAll hooks, that the file closed what it opened. A socket, server or child process the file left
// referenced would keep `npm test` (Jest runs in band on small machines) waiting forever after the run;
// instead the file fails, naming what it left open. Handles get a grace period to finish closing
// (a disconnect ends sockets asynchronously; keep-alive sockets of fetch close after a few seconds).
const { ChildProcess } = require('node:child_process');
const net = require('node:net');
const { TestEnvironment } = require('jest-environment-node');

const GRACE_MS = 6000;
const POLL_MS = 100;

/** Handles that keep the process alive: referenced sockets, listening servers, running child processes. */
function liveHandles() {
  return process._getActiveHandles().filter((handle) => {
    if (handle instanceof net.Socket) {
      if (handle === process.stdout || handle === process.stderr || handle === process.stdin) return false;
      if (handle.destroyed) return false;
      return handle._handle?.hasRef?.() ?? true;
    }
    if (handle instanceof net.Server) return handle.listening && (handle._handle?.hasRef?.() ?? true);
    if (handle instanceof ChildProcess) return handle.exitCode === null && handle.signalCode === null;
    return false;
  });
}

function describeHandle(handle) {
  if (handle instanceof net.Socket) {
    const remote = handle.remoteAddress ? `${handle.remoteAddress}:${handle.remotePort}` : 'unconnected';
    return `socket to ${remote}`;
  }
  if (handle instanceof net.Server) {
    const address = handle.address();
    return `server listening on ${typeof address === 'string' ? address : `${address?.address}:${address?.port}`}`;
  }
  return `child process ${handle.pid} (${handle.spawnfile})`;
}

class LeakCheckingEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async setup() {
    this.before = new Set(liveHandles());
    await super.setup();
  }

  async teardown() {
    const deadline = Date.now() + GRACE_MS;
    let leaked = this.leaked();
    while (leaked.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      leaked = this.leaked();
    }
    await super.teardown();
    if (leaked.length > 0) {
      const list = leaked.map(describeHandle).join(', ');
      throw new Error(`${this.testPath} left ${leaked.length} open handle(s) after its afterAll hooks: ${list}. Close every client, server and process a spec opens.`);
    }
  }

  leaked() {
    return liveHandles().filter((handle) => !this.before.has(handle));
  }
}

module.exports = LeakCheckingEnvironment;
