import { usageError } from '../exit-codes';
import { decodeRecord, type DecodedRecord } from '../kafka/decode';
import { readRecords } from '../kafka/read-records';
import type { Command } from './command';
import { flag, integer, text, timeFlag } from './values';

/** Longest search text: matching is a plain substring search (linear time), on bounded input. */
const MAX_SEARCH = 1024;

export const tailCommand: Command = {
  path: ['tail'],
  summary: 'Read a topic, decoding Avro values through the schema registry (JSON / text otherwise), with key and value search.',
  args: ['<topic>'],
  options: {
    key: { type: 'string' },
    grep: { type: 'string' },
    'from-time': { type: 'string' },
    partition: { type: 'string' },
    limit: { type: 'string' },
    follow: { type: 'boolean' },
  },
  help: [
    '--key <text>        only records whose key contains <text>',
    '--grep <text>       only records whose decoded value (as JSON) or headers contain <text>',
    '--from-time <time>  start at the first record at/after an ISO date-time, epoch ms or -<duration> (-15m, -2h, -1d); default: the start of the log',
    '--partition <n>     one partition only',
    '--limit <n>         stop after n matching records (default 100, at most 100000)',
    '--follow            keep reading new records until Ctrl-C',
    'Human output prints one JSON line per record; --json prints { records: [...] } at the end.',
  ],
  async run(ctx, values, [topic]) {
    const key = text(values, 'key');
    const grep = text(values, 'grep');
    if ((key?.length ?? 0) > MAX_SEARCH || (grep?.length ?? 0) > MAX_SEARCH) throw usageError(`--key and --grep are at most ${MAX_SEARCH} characters`);
    const limit = integer(values, 'limit', 100, 1, 100_000);
    const partition = integer(values, 'partition', undefined, 0, 100_000);
    const fromTime = timeFlag(values, 'from-time', ctx.now());
    const follow = flag(values, 'follow');
    const admin = await ctx.admin();
    const registry = ctx.registry();
    const records: DecodedRecord[] = [];
    let printed = 0;
    const bar = follow ? undefined : ctx.out.progress(`tail ${topic}`, 0);
    const { scanned } = await readRecords(
      ctx.kafka,
      admin,
      { topic: topic as string, ...(partition !== undefined ? { partitions: [partition] } : {}), ...(fromTime !== undefined ? { fromTime } : {}), follow, signal: ctx.signal, onProgress: (done, total) => (bar?.setTotal(total), bar?.update(done)) },
      async (raw) => {
        if (key !== undefined && !(raw.message.key?.toString('utf8') ?? '').includes(key)) return true;
        const decoded = await decodeRecord(registry, raw);
        if (grep !== undefined && !JSON.stringify([decoded.value, decoded.headers]).includes(grep)) return true;
        if (ctx.out.json) records.push(decoded);
        else ctx.out.line(JSON.stringify(decoded));
        return (ctx.out.json ? records.length : ++printed) < limit;
      },
    );
    bar?.stop();
    if (ctx.out.json) ctx.out.result({ topic, scanned, records }, () => '');
    else ctx.out.note(`${printed} record(s) shown, ${scanned} scanned`);
  },
};
