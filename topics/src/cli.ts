/**
 * `tsx --tsconfig topics/tsconfig.json topics/src/cli.ts apply [--correct] [--grow] [--namespace x] [--replication-factor n]`
 * Applies `allTopics` to the cluster in KAFKA_BROKERS (the only place this project reads the
 * environment), prints the report as JSON, exits 1 when the cluster is not clean afterwards
 * (errors, uncorrected drift, partition differences, co-partition mismatches).
 */
import { Kafka, logLevel } from 'kafkajs';
import { applyTopics } from './apply';
import { allTopics } from './declarations';
import { describeTopics } from './describe';
import { isClean, reportToJson } from './report';

interface CliArgs {
  command: string | undefined;
  correct: boolean;
  grow: boolean;
  namespace?: string;
  replicationFactor?: number;
}

function parseArgs(argv: string[]): CliArgs {
  const value = (flag: string): string | undefined => {
    const index = argv.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
    if (index < 0) return undefined;
    const arg = argv[index] as string;
    return arg.includes('=') ? arg.slice(flag.length + 1) : argv[index + 1];
  };
  const replication = value('--replication-factor');
  const namespace = value('--namespace');
  return {
    command: argv[0],
    correct: argv.includes('--correct'),
    grow: argv.includes('--grow'),
    ...(namespace ? { namespace } : {}),
    ...(replication ? { replicationFactor: Number(replication) } : {}),
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command !== 'apply') {
    console.error('usage: cli.ts apply [--correct] [--grow] [--namespace <ns>] [--replication-factor <n>]');
    return 2;
  }
  describeTopics(allTopics, args.namespace, { replicationFactor: args.replicationFactor }); // fail fast on bad input, before connecting
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
  const admin = new Kafka({ clientId: 'topics-cli', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const report = await applyTopics(admin, allTopics, {
      namespace: args.namespace,
      correctDrift: args.correct,
      growPartitions: args.grow,
      replicationFactor: args.replicationFactor,
    });
    console.log(JSON.stringify(reportToJson(report), null, 2));
    const fixed = new Set(report.corrected);
    const remaining = { ...report, drift: report.drift.filter((drift) => !fixed.has(drift.topic)) };
    return isClean({ ...remaining, partitions: remaining.partitions.filter((p) => p.action !== 'grown') }) ? 0 : 1;
  } finally {
    await admin.disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
