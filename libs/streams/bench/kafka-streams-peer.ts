/**
 * The Kafka Streams peer of streams.bench.ts: kafka-streams-peer/PeerBench.java runs one bench case with Apache
 * Kafka Streams (case 1 with the plain Java clients) on the same broker and input topic, one JVM per run.
 * Its classpath (kafka-streams at the broker's version, see kafka-streams-peer/pom.xml) is resolved from Maven
 * Central into the platform cache by infra-kafka's resolveMavenClasspath, as the broker's is, and PeerBench.java
 * is compiled there with javac; both happen once per content of the pom / the source.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kafkaPomPath, killWhenParentDies, populateOnce, resolveMavenClasspath } from '@platform/infra-kafka';

export type PeerCase = 'raw' | 'stateless' | 'count' | 'restore' | 'restart';

/** What PeerBench prints: the ms of the timed window (RUNNING → every input offset committed), and for Kafka Streams the rest. */
export interface PeerResult {
  ms: number;
  records: number;
  cpuPercent?: number;
  /** KafkaStreams.start() → RUNNING. */
  startMs?: number;
  restored?: number;
  restoreMs?: number;
}

export interface PeerRun {
  case: PeerCase;
  input: string;
  output: string;
  /** Also the consumer group (application id) whose committed offsets time the run. */
  applicationId: string;
  stateDir: string;
  /** num.stream.threads; default 1. */
  threads?: number;
  exactlyOnce?: boolean;
}

export interface PeerOptions {
  /** Root of the platform cache (`cacheDirFromEnv(process.env)`). */
  cacheDir: string;
  brokers: string[];
  /** Default `java` / `javac` on the PATH. */
  javaHome?: string;
  /** Kill a run that takes longer; default 20 minutes. */
  timeoutMs?: number;
}

const peerDir = path.join(__dirname, 'kafka-streams-peer');
const peerPomPath = path.join(peerDir, 'pom.xml');
const sourcePath = path.join(peerDir, 'src', 'main', 'java', 'platform', 'bench', 'PeerBench.java');

/** `<kafka.version>` of a pom's properties. */
export function kafkaVersionOf(pomXml: string): string | undefined {
  return /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pomXml)?.[1];
}

/** The Kafka version of the peer and of the broker (infrastructure/kafka/pom.xml): they must be equal. */
export function peerKafkaVersions(): { peer: string | undefined; broker: string | undefined } {
  return { peer: kafkaVersionOf(fs.readFileSync(peerPomPath, 'utf8')), broker: kafkaVersionOf(fs.readFileSync(kafkaPomPath, 'utf8')) };
}

function collect(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) killWhenParentDies(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLines = (text: string, n: number) => text.split('\n').filter((l) => l.trim() !== '').slice(-n).join(' | ');

export class KafkaStreamsPeer {
  private constructor(
    private readonly options: PeerOptions,
    private readonly java: string,
    private readonly classpath: string,
  ) {}

  /** Resolves and compiles the peer (cached); rejects with the reason when the versions drift or Maven/javac fail. */
  static async prepare(options: PeerOptions): Promise<KafkaStreamsPeer> {
    const versions = peerKafkaVersions();
    if (!versions.peer || versions.peer !== versions.broker) {
      throw new Error(`kafka-streams-peer/pom.xml has kafka.version ${versions.peer} but the broker (infrastructure/kafka/pom.xml) ${versions.broker}: keep them equal`);
    }
    const bin = (tool: string) => (options.javaHome ? path.join(options.javaHome, 'bin', tool) : tool);
    const { libsDir } = await resolveMavenClasspath({ cacheDir: options.cacheDir, pomPath: peerPomPath, name: 'kafka-streams-peer', what: 'the Kafka Streams peer' });
    const source = fs.readFileSync(sourcePath, 'utf8');
    const digest = createHash('sha256').update(fs.readFileSync(peerPomPath)).update(source).digest('hex').slice(0, 12);
    const classesDir = path.join(options.cacheDir, `kafka-streams-peer-classes-${digest}`);
    await populateOnce(classesDir, async (tmp) => {
      const javac = await collect(bin('javac'), ['--release', '17', '-cp', path.join(libsDir, '*'), '-d', tmp, sourcePath], 120_000);
      if (javac.code !== 0) throw new Error(`javac failed: ${lastLines(javac.stdout + javac.stderr, 5)}`);
    });
    return new KafkaStreamsPeer(options, bin('java'), [classesDir, path.join(libsDir, '*')].join(path.delimiter));
  }

  /** Runs one case in a fresh JVM; rejects with the tail of its stderr when it fails. */
  async run(run: PeerRun): Promise<PeerResult> {
    const args = [
      this.options.brokers.join(','),
      run.case,
      run.input,
      run.output,
      run.applicationId,
      run.stateDir,
      String(run.threads ?? 1),
      run.exactlyOnce ? 'exactly_once_v2' : 'at_least_once',
    ];
    const jvm = ['-cp', this.classpath, 'platform.bench.PeerBench'];
    const result = await collect(this.java, [...jvm, ...args], this.options.timeoutMs ?? 20 * 60_000);
    const line = result.stdout.trim().split('\n').pop() ?? '';
    if (result.code !== 0 || !line.startsWith('{')) {
      throw new Error(`Kafka Streams peer (${run.case}) exited with ${result.code}: ${lastLines(result.stderr, 4)}`);
    }
    return JSON.parse(line) as PeerResult;
  }
}
