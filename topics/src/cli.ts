/**
 * `tsx --tsconfig topics/tsconfig.json topics/src/cli.ts apply [--correct] [--grow] [--namespace <ns>] [--replication-factor <n>]`
 * Applies `allTopics` to the cluster in KAFKA_BROKERS (the only place this project reads the
 * environment), prints the report as JSON, exits 1 when the cluster is not clean afterwards
 * (errors, uncorrected drift, partition differences, co-partition mismatches). `--flag value` and
 * `--flag=value` are the same; an unknown flag or command prints the usage and exits 2; `--help` prints it.
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { applyTopics } from './apply';
import { allTopics } from './declarations';
import { describeTopics } from './describe';
import { isClean, reportToJson } from './report';

const usage = 'usage: cli.ts apply [--correct] [--grow] [--namespace <ns>] [--replication-factor <n>]';

function parseCli(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      correct: { type: 'boolean', default: false },
      grow: { type: 'boolean', default: false },
      namespace: { type: 'string' },
      'replication-factor': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'apply') {
    console.error(usage);
    return 2;
  }
  const replication = values['replication-factor'];
  if (replication !== undefined && !/^[1-9][0-9]*$/.test(replication)) {
    console.error(`error: --replication-factor must be a positive integer, not "${replication}"\n${usage}`);
    return 2;
  }
  const args = {
    correct: values.correct,
    grow: values.grow,
    namespace: values.namespace || undefined,
    replicationFactor: replication ? Number(replication) : undefined,
  };
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
