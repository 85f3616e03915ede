// Local secrets of `npm start`: generated once into .data/secrets.json (mode 0600) and reused, so user JWTs,
// the system token and chat plugin visitor tokens stay valid across restarts.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Keys of the secrets file and the environment variable each one is passed to the apps as. */
export const secretVariables = {
  systemToken: 'AUTH_SYSTEM_TOKEN',
  jwtSecret: 'AUTH_JWT_SECRET',
  chatpluginTokenSecret: 'CHATPLUGIN_TOKEN_SECRET',
  webhooksEncryptionKey: 'WEBHOOKS_ENCRYPTION_KEY',
  sourcesTokenSecret: 'SOURCES_TOKEN_SECRET',
};

const minimumLength = 16;
const generate = () => randomBytes(32).toString('base64url');

/**
 * Reads `file`, generating (and saving) any secret it lacks; a variable already set in `env` wins over
 * the file and is not saved. Returns `{ secrets, created, fromEnv }`.
 */
export function loadOrCreateSecrets(file, env = process.env) {
  let stored = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new Error(`${file} is not valid JSON — fix it or delete it to generate new secrets (existing tokens stop working)`, { cause });
    }
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
  const secrets = {};
  const created = [];
  const fromEnv = [];
  for (const [key, variable] of Object.entries(secretVariables)) {
    const fromEnvironment = env[variable]?.trim();
    if (fromEnvironment) {
      secrets[key] = fromEnvironment;
      fromEnv.push(variable);
    } else if (typeof stored[key] === 'string' && stored[key].length >= minimumLength) {
      secrets[key] = stored[key];
    } else {
      stored[key] = secrets[key] = generate();
      created.push(key);
    }
    if (secrets[key].length < minimumLength) throw new Error(`${variable} must be at least ${minimumLength} characters`);
  }
  if (created.length > 0) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { secrets, created, fromEnv };
}

/** The environment variables the apps read the secrets from. */
export function secretsEnv(secrets) {
  return Object.fromEntries(Object.entries(secretVariables).map(([key, variable]) => [variable, secrets[key]]));
}
