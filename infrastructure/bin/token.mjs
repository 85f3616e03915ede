#!/usr/bin/env node
// `npm run token -- --user <id> [--name <name>] [--ttl <seconds>]`: prints a user JWT signed with the local
// secret (.data/secrets.json written by `npm start`, or AUTH_JWT_SECRET), for `Authorization: Bearer <jwt>`.
// `npm run token -- --system` prints the system token instead.
import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from './lib/paths.mjs';
import { requireTs } from './lib/ts.mjs';

const argv = process.argv.slice(2);
const option = (name) => {
  const inline = argv.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const usage = 'usage: npm run token -- --user <id> [--name <name>] [--ttl <seconds, default 43200>]  |  npm run token -- --system';
const die = (message) => {
  console.error(`error: ${message}`);
  process.exit(1);
};

const file = fromRoot('.data', 'secrets.json');
const stored = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};

if (argv.includes('--system')) {
  const token = process.env.AUTH_SYSTEM_TOKEN ?? stored.systemToken;
  if (!token) die('no system token yet: run `npm start` once (it writes .data/secrets.json) or set AUTH_SYSTEM_TOKEN');
  console.log(token);
  process.exit(0);
}

const user = option('user');
if (!user || user.startsWith('--')) die(`--user is required\n${usage}`);
const ttlRaw = option('ttl') ?? '43200';
const ttl = Number(ttlRaw);
if (!Number.isInteger(ttl) || ttl <= 0) die(`--ttl must be a positive number of seconds, not "${ttlRaw}"`);
const secret = process.env.AUTH_JWT_SECRET ?? stored.jwtSecret;
if (!secret) die('no JWT secret yet: run `npm start` once (it writes .data/secrets.json) or set AUTH_JWT_SECRET');

const { issueUserToken } = requireTs('libs/auth/src/index.ts');
console.log(issueUserToken(secret, user, option('name'), ttl));
