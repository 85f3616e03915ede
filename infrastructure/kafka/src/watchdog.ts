import { spawn } from 'node:child_process';

/**
 * A tiny detached Node process that kills `childPid` (a negative pid means that process group) (SIGTERM, then SIGKILL) once `parentPid` is gone,
 * and then removes `cleanupDir` if given. It exits by itself as soon as the child is gone.
 * This is what keeps a JVM from outliving a Node process that was killed (SIGKILL, crash, Ctrl-C on jest).
 */
const script = `
const [parent, child, dir] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (alive(parent)) return;
  clearInterval(timer);
  try { process.kill(Number(child), 'SIGTERM'); } catch (e) {}
  const deadline = Date.now() + 15000;
  setInterval(() => {
    if (alive(child) && Date.now() < deadline) return;
    if (alive(child)) { try { process.kill(Number(child), 'SIGKILL'); } catch (e) {} }
    if (dir) require('fs').rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 200);
}, 500);
`;

export function killWhenParentDies(childPid: number, cleanupDir?: string): void {
  const args = ['-e', script, String(process.pid), String(childPid)];
  if (cleanupDir) args.push(cleanupDir);
  const watchdog = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
  watchdog.unref();
}
