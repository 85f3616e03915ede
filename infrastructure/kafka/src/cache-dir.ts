import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where resolved runtimes (Kafka jars, Apicurio) and their Maven repository live, outside git:
 * `$PLATFORM_CACHE_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/kafka-chat-platform`.
 * Takes the environment as an argument; only bin scripts and test helpers pass `process.env`.
 */
export function cacheDirFromEnv(env: Record<string, string | undefined>): string {
  if (env.PLATFORM_CACHE_DIR) return env.PLATFORM_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'kafka-chat-platform');
}
