import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { Logger, silentLogger } from '@platform/common';
import { ResolveError } from './errors';
import { exec, tail } from './internals/exec';

/** Pinned so that an old default plugin of the installed Maven is never used. */
const dependencyPlugin = 'org.apache.maven.plugins:maven-dependency-plugin:3.10.0';
/** The Kafka runtime classpath: infrastructure/kafka/pom.xml. */
export const kafkaPomPath = resolvePath(__dirname, '..', 'pom.xml');
/** 3.0.9: newest Apicurio on Maven Central that runs on Java 17 (3.1.x is absent there, 3.2+ needs Java 21). */
export const apicurioVersion = '3.0.9';

export interface ResolveOptions {
  /** Root of the cache, e.g. from `cacheDirFromEnv(process.env)`. */
  cacheDir: string;
  /** Maven local repository; default `<cacheDir>/m2` so one directory holds everything (and CI caches it). */
  mavenRepoLocal?: string;
  mvnBin?: string;
  logger?: Logger;
}

export interface KafkaRuntime {
  /** Directory of jars; the classpath is `<libsDir>/*`. */
  libsDir: string;
}

export interface RegistryRuntime {
  runnerJar: string;
}

const marker = '.resolved';
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** `<cacheDir>/<name>-<hash of the pom>`: where `resolveMavenClasspath` puts a pom's jars (under `libs/`). */
export function mavenClasspathDir(cacheDir: string, name: string, pomPath: string): string {
  return join(cacheDir, `${name}-${hash(readFileSync(pomPath, 'utf8'))}`);
}

export function kafkaRuntimeDir(cacheDir: string): string {
  return mavenClasspathDir(cacheDir, 'kafka', kafkaPomPath);
}

export function registryRuntimeDir(cacheDir: string, version = apicurioVersion): string {
  return join(cacheDir, `apicurio-${version}`);
}

/** True when every runtime is already in the cache (Maven is then not needed at all). */
export function isResolved(cacheDir: string): boolean {
  return [kafkaRuntimeDir(cacheDir), registryRuntimeDir(cacheDir)].every((dir) => existsSync(join(dir, marker)));
}

async function mvn(args: string[], options: ResolveOptions): Promise<void> {
  const repo = options.mavenRepoLocal ?? join(options.cacheDir, 'm2');
  const result = await exec(options.mvnBin ?? 'mvn', ['-B', '-q', `-Dmaven.repo.local=${repo}`, ...args]).catch((cause) => {
    throw new ResolveError(`cannot run Maven (${options.mvnBin ?? 'mvn'}) — install Maven 3.8+`, { cause });
  });
  if (result.code !== 0) {
    const detail = tail(result.stdout + result.stderr, 5).replace(/\s+/g, ' ');
    throw new ResolveError(`Maven failed (${detail}) — check access to Maven Central and free disk space in ${repo}`);
  }
}

/**
 * Fills `dir` through a temporary sibling and a rename, so a half-done download never looks resolved;
 * does nothing when `dir` is already complete. Also for other cached build outputs (e.g. classes compiled against a classpath).
 */
export async function populateOnce(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (existsSync(join(dir, marker))) return;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    writeFileSync(join(tmp, marker), new Date().toISOString() + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(join(dir, marker))) return; // a concurrent run finished first
    throw error;
  }
}

export interface MavenClasspathOptions extends ResolveOptions {
  /** A pom listing the dependencies (its packaging and build do not matter). */
  pomPath: string;
  /** Prefix of the cache directory, e.g. `kafka`. */
  name: string;
  /** For the log line, e.g. `Kafka jars`. */
  what?: string;
}

/** The runtime dependencies of a pom, copied from Maven Central into `mavenClasspathDir(...)/libs` when missing (keyed by the pom's content hash). */
export async function resolveMavenClasspath(options: MavenClasspathOptions): Promise<KafkaRuntime> {
  const dir = mavenClasspathDir(options.cacheDir, options.name, options.pomPath);
  const logger = options.logger ?? silentLogger;
  if (!existsSync(join(dir, marker))) logger.info(`resolving ${options.what ?? `${options.name} jars`} from Maven Central`, { dir });
  await populateOnce(dir, (tmp) =>
    mvn(['-f', options.pomPath, `${dependencyPlugin}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${join(tmp, 'libs')}`], options),
  );
  return { libsDir: join(dir, 'libs') };
}

/** Kafka jars from Maven Central, keyed by the pom's content hash; resolved only when missing. */
export async function resolveKafka(options: ResolveOptions): Promise<KafkaRuntime> {
  return resolveMavenClasspath({ ...options, pomPath: kafkaPomPath, name: 'kafka', what: 'Kafka jars' });
}

/** Apicurio Registry's distribution tarball (runner jar + lib/), copied by coordinates and unpacked once. */
export async function resolveRegistry(options: ResolveOptions & { version?: string }): Promise<RegistryRuntime> {
  const version = options.version ?? apicurioVersion;
  const dir = registryRuntimeDir(options.cacheDir, version);
  const logger = options.logger ?? silentLogger;
  if (!existsSync(join(dir, marker))) logger.info('resolving Apicurio Registry from Maven Central', { dir, version });
  await populateOnce(dir, async (tmp) => {
    // The app's parent POM is not on Central, so copy by coordinates (no dependency tree) rather than from a pom.
    await mvn([`${dependencyPlugin}:copy`, `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`, `-DoutputDirectory=${tmp}`], options);
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tar.gz'));
    if (!tarball) throw new ResolveError(`Maven returned no Apicurio tarball in ${tmp} — retry, or clear ${options.cacheDir}`);
    const untar = await exec('tar', ['xzf', tarball], { cwd: tmp });
    if (untar.code !== 0) throw new ResolveError(`cannot unpack ${tarball}: ${tail(untar.stderr, 2)} — check free disk space`);
    rmSync(join(tmp, tarball));
  });
  const runnerJar = readdirSync(dir).find((f) => f.endsWith('-runner.jar'));
  if (!runnerJar) throw new ResolveError(`no *-runner.jar in ${dir} — delete that directory and start again`);
  return { runnerJar: join(dir, runnerJar) };
}
