/**
 * Test fixture run as a child process (`node --import tsx`): two exactly-once applications on one
 * input — a count (stateful, output = running count per key) and a stateless mark — that the EOS
 * spec SIGKILLs or SIGSTOPs mid-stream.
 * argv: <brokers> <countAppId> <markAppId> <input> <countOut> <markOut> <stateDir> [<numStreamThreads>].
 */
import * as path from 'node:path';
import { logLevel } from 'kafkajs';
import { StreamsApplication } from '../../../../application';
import { countTopology } from '../../__fixtures__/count-topology';
import { markTopology } from './eos-topologies';

async function main(): Promise<void> {
  const [brokers, countId, markId, input, countOut, markOut, stateDir, threads] = process.argv.slice(2);
  if (!brokers || !countId || !markId || !input || !countOut || !markOut || !stateDir) throw new Error('usage: eos-app <7 or 8 args>');
  const kafka = { clientId: 'eos-app-child', brokers: brokers.split(','), logLevel: logLevel.NOTHING };
  const numStreamThreads = Number(threads ?? 1);
  const common = { kafka, stateDir, commitIntervalMs: 100, sessionTimeoutMs: 8000, processingGuarantee: 'exactly-once' as const, numStreamThreads };
  const onThreads = (module: string, args: { input: string; output: string }, exportName = 'topology') => ({
    threadTopology: { module: path.join(__dirname, module), exportName, args },
  });
  const apps = [
    [
      'count',
      new StreamsApplication(countTopology(input, countOut), {
        ...common,
        ...onThreads('../../__fixtures__/count-thread-topology.ts', { input, output: countOut }),
        app: { id: countId, version: 1 },
      }),
    ],
    [
      'mark',
      new StreamsApplication(markTopology(input, markOut), {
        ...common,
        ...onThreads('eos-topologies.ts', { input, output: markOut }, 'markThreads'),
        app: { id: markId, version: 1 },
      }),
    ],
  ] as const;
  for (const [name, app] of apps) {
    app.onStateChange((state) => process.stdout.write(`STATE ${name} ${state}\n`));
    app.on('commit.done', (e) => process.stdout.write(`COMMIT ${name} ${e.records}\n`));
    app.on('task.fenced', (e) => process.stdout.write(`FENCED ${name} ${e.taskId}\n`));
  }
  await Promise.all(apps.map(([, app]) => app.start()));
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
