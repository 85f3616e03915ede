#!/usr/bin/env node
// `npm run token -- --user <id> [--name <name>] [--ttl <seconds>]`: prints a user JWT signed with the local
// secret (.data/secrets.json written by `npm start`, or AUTH_JWT_SECRET), for `Authorization: Bearer <jwt>`.
// `npm run token -- --system` prints the system token instead. `--flag value` and `--flag=value` both work; an
// unknown flag exits 2 with the usage; `--help` prints it.
import { existsSync, readFileSync } from 'node:fs';
import { parseFlags } from './lib/args.mjs';
import { fromRoot } from './lib/paths.mjs';
import { requireTs } from './lib/ts.mjs';

const usage = 'usage: npm run token -- --user <id> [--name <name>] [--ttl <seconds, default 43200>]  |  npm run token -- --system';
const flags = parseFlags(usage, { user: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string' }, system: { type: 'boolean' } });
const die = (message, code = 1) => {
  console.error(`error: ${message}`);
  process.exit(code);
};

const file = fromRoot('.data', 'secrets.json');
const stored = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};

if (flags.system) {
  const token = process.env.AUTH_SYSTEM_TOKEN ?? stored.systemToken;
  if (!token) die('no system token yet: run `npm start` once (it writes .data/secrets.json) or set AUTH_SYSTEM_TOKEN');
  console.log(token);
  process.exit(0);
}

const user = flags.user;
if (!user) die(`--user is required\n${usage}`, 2);
const ttlRaw = flags.ttl ?? '43200';
const ttl = Number(ttlRaw);
if (!Number.isInteger(ttl) || ttl <= 0) die(`--ttl must be a positive number of seconds, not "${ttlRaw}"`);
const secret = process.env.AUTH_JWT_SECRET ?? stored.jwtSecret;
if (!secret) die('no JWT secret yet: run `npm start` once (it writes .data/secrets.json) or set AUTH_JWT_SECRET');

const { issueUserToken } = requireTs('libs/auth/src/index.ts');
console.log(await issueUserToken(secret, user, flags.name, ttl));
