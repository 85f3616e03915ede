import { PreflightError } from './errors';
import { exec } from './internals/exec';
import { checkPortFree } from './ports';

export interface PreflightOptions {
  /** Java executable; default `java` from PATH. */
  javaBin?: string;
  /** Maven executable; default `mvn` from PATH. Checked only when `needMaven` is true. */
  mvnBin?: string;
  /** Set when a runtime still has to be resolved. */
  needMaven?: boolean;
  /** Ports the local stack will listen on (all on `host`). */
  ports?: { port: number; what: string }[];
  host?: string;
}

export const minimumJavaMajor = 17;

/** Major version from `java -version` output: `openjdk version "17.0.15"` → 17, `"1.8.0_402"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export async function checkJava(javaBin = 'java'): Promise<number> {
  let output: string;
  try {
    const result = await exec(javaBin, ['-version']);
    output = result.stderr + result.stdout;
  } catch (cause) {
    throw new PreflightError(`Java not found (${javaBin})`, `install a JDK ${minimumJavaMajor}+ (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME`, { cause });
  }
  const major = parseJavaMajor(output);
  if (major === undefined) {
    throw new PreflightError(`cannot read the Java version from "${javaBin} -version"`, `check that ${javaBin} is a working JDK ${minimumJavaMajor}+`);
  }
  if (major < minimumJavaMajor) {
    throw new PreflightError(`Java ${major} found, Kafka 4 needs Java ${minimumJavaMajor}+`, `install a JDK ${minimumJavaMajor}+ and put it first on PATH (or set JAVA_HOME)`);
  }
  return major;
}

export async function checkMaven(mvnBin = 'mvn'): Promise<void> {
  try {
    const result = await exec(mvnBin, ['-v']);
    if (result.code !== 0) throw new Error(result.stderr || result.stdout);
  } catch (cause) {
    throw new PreflightError(`Maven not found (${mvnBin})`, 'install Maven 3.8+ (e.g. apt-get install maven); it fetches Kafka and Apicurio from Maven Central once', { cause });
  }
}

/** Every check needed before the local stack starts; the first failure is thrown. */
export async function preflight(options: PreflightOptions = {}): Promise<void> {
  await checkJava(options.javaBin);
  if (options.needMaven) await checkMaven(options.mvnBin);
  for (const { port, what } of options.ports ?? []) await checkPortFree(port, what, options.host);
}
