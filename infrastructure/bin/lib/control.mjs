// The control endpoint of `npm start`: lets the admin CLI (apps/cli, local driver) list, start and stop app
// versions, switch the gateway's route and wipe a version's state while the stack runs. HTTP on 127.0.0.1
// only, on a free port, with a random bearer token; both are written to the control file (mode 0600,
// default .data/supervisor.json) and the file is removed on shutdown.
//
//   GET  /instances[?app=<app>]                      → [{ app, version, instance, state, url, pid, stateDir, live }]
//   GET  /apps/<app>/live                            → { version }
//   POST /apps/<app>/versions/<v>/start  { env? }     → { started: true }
//   POST /apps/<app>/versions/<v>/stop                → { stopped: true }
//   POST /apps/<app>/versions/<v>/wipe                → { removed: [paths] }
//   POST /apps/<app>/route               { version }  → { routed: true }
// Errors answer 4xx/5xx with `{ message }`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FleetError } from './fleet.mjs';

const MAX_BODY = 64 * 1024;
const ENV_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Starts the control endpoint for `fleet`; resolves `{ url, close() }` once listening and the file is written. */
export async function startControl({ fleet, file, logger }) {
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((req, res) => {
    const answer = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(401, { message: 'missing or wrong bearer token (see the control file)' });
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      let body = {};
      try {
        if (chunks.length > 0) body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { message: 'body is not JSON' });
      }
      handle(fleet, req.method ?? 'GET', new URL(req.url ?? '/', 'http://control'), body ?? {})
        .then((result) => answer(200, result))
        .catch((error) => {
          if (error instanceof FleetError) return answer(error.status, { message: error.message });
          logger?.error?.(`control: ${error instanceof Error ? error.message : String(error)}`);
          answer(500, { message: error instanceof Error ? error.message : String(error) });
        });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ url, token, pid: process.pid }, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return {
    url,
    close: async () => {
      rmSync(file, { force: true });
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(fleet, method, url, body) {
  const parts = url.pathname.split('/').filter(Boolean);
  if (method === 'GET' && parts.length === 1 && parts[0] === 'instances') return fleet.instances(url.searchParams.get('app') ?? undefined);
  if (parts[0] !== 'apps' || parts.length < 3) throw new FleetError(404, `no such endpoint: ${method} ${url.pathname}`);
  const app = parts[1];
  if (method === 'GET' && parts.length === 3 && parts[2] === 'live') return { version: fleet.liveVersion(app) ?? null };
  if (method === 'POST' && parts.length === 3 && parts[2] === 'route') {
    await fleet.route(app, body.version);
    return { routed: true };
  }
  if (method === 'POST' && parts.length === 5 && parts[2] === 'versions') {
    const version = /^\d{1,7}$/.test(parts[3]) ? Number(parts[3]) : NaN;
    switch (parts[4]) {
      case 'start':
        await fleet.start(app, version, extraEnv(body.env));
        return { started: true };
      case 'stop':
        await fleet.stop(app, version);
        return { stopped: true };
      case 'wipe':
        return { removed: fleet.wipe(app, version) };
    }
  }
  throw new FleetError(404, `no such endpoint: ${method} ${url.pathname}`);
}

/** Extra environment for a started version: plain upper-case names and string values only. */
function extraEnv(env) {
  if (env === undefined) return {};
  if (!env || typeof env !== 'object' || Array.isArray(env)) throw new FleetError(400, 'env must be an object of NAME → string');
  const out = {};
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name) || typeof value !== 'string' || value.length > 4096) throw new FleetError(400, `env ${name}: names are upper-case, values strings up to 4096 characters`);
    if (['PORT', 'APP_VERSION', 'STATE_DIR'].includes(name)) throw new FleetError(400, `env ${name} is set by the supervisor`);
    out[name] = value;
  }
  return out;
}
