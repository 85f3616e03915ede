import { parseDuration, parseTime } from './commands/values';
import { parseBackfillLine } from './ops/backfill-file';
import { parseValueFormat } from './ops/backfill';
import { appVersionsIn, internalTopicsOf, parseGroup } from './kafka/app-names';
import { parseRecordRefs } from './kafka/dead-letters';
import { parseOffsetTarget } from './kafka/offsets';
import { runCli } from './run';
import { EXIT } from './exit-codes';
import { PassThrough, Writable } from 'node:stream';

const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('command-line values', () => {
  it('parses offset targets: earliest, latest, date-times, durations back from now, shifts', () => {
    expect(parseOffsetTarget('earliest')).toEqual({ kind: 'earliest' });
    expect(parseOffsetTarget('latest')).toEqual({ kind: 'latest' });
    expect(parseOffsetTarget('2026-12-01T10:00:00Z', NOW)).toEqual({ kind: 'time', ms: Date.parse('2026-12-01T10:00:00Z') });
    expect(parseOffsetTarget('datetime:2026-12-01', NOW)).toEqual({ kind: 'time', ms: Date.parse('2026-12-01') });
    expect(parseOffsetTarget('duration:1h30m', NOW)).toEqual({ kind: 'time', ms: NOW - 90 * 60_000 });
    expect(parseOffsetTarget('-2d', NOW)).toEqual({ kind: 'time', ms: NOW - 2 * 86_400_000 });
    expect(parseOffsetTarget('shift:-3')).toEqual({ kind: 'shift', by: -3 });
    expect(parseOffsetTarget('shift:+100')).toEqual({ kind: 'shift', by: 100 });
    for (const bad of ['', 'soon', 'shift:x', 'duration:', 'duration:5x', '2026-13-45T99:00:00Z']) expect(() => parseOffsetTarget(bad, NOW)).toThrow(/--to must be/);
  });

  it('parses durations and times, refusing the rest', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1d2h3m4s')).toBe(((26 * 60 + 3) * 60 + 4) * 1000);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseTime('1764763200000')).toBe(1764763200000);
    expect(parseTime('-15m', NOW)).toBe(NOW - 15 * 60_000);
    expect(parseTime('yesterday', NOW)).toBeUndefined();
  });

  it('parses record references and backfill lines and value formats', () => {
    expect(parseRecordRefs('0:12, 3:4,7')).toEqual([{ partition: 0, offset: 12 }, { partition: 3, offset: 4 }, { partition: 0, offset: 7 }]);
    expect(parseRecordRefs('0:x')).toBeUndefined();
    expect(parseRecordRefs('')).toBeUndefined();
    expect(parseBackfillLine('{"key":"k","value":{"n":1},"partition":2}', 1)).toEqual({ line: 1, key: 'k', value: { n: 1 }, partition: 2 });
    expect(parseBackfillLine('{"key":"k","value":null}', 1)).toEqual({ line: 1, key: 'k', value: null });
    expect(() => parseBackfillLine('{"value":1}', 3, 'f')).toThrow('f:3: "key" must be a non-empty string');
    expect(() => parseBackfillLine('{"key":"k"}', 3, 'f')).toThrow(/"value" is missing/);
    expect(() => parseBackfillLine(`{"key":"k","value":${'['.repeat(100)}${']'.repeat(100)}}`, 1)).toThrow(/nested deeper/);
    expect(parseValueFormat('avro:Message')).toBe('avro:Message');
    expect(() => parseValueFormat('avro:__proto__')).toThrow(/--value-format/);
  });

  it('reads app versions back from group and topic names, within a namespace', () => {
    expect(parseGroup('communication-v2', undefined)).toEqual({ app: 'communication', version: 2, applicationId: 'communication', key: 'communication-v2' });
    expect(parseGroup('prod.communication-v2', 'prod')).toMatchObject({ app: 'communication', version: 2 });
    expect(parseGroup('staging.communication-v2', 'prod')).toBeUndefined();
    expect(parseGroup('console-consumer-1', undefined)).toBeUndefined();
    const topics = ['communication-v1-messages-changelog', 'communication-v1-x-repartition', 'communication-v1-dlq', 'communication-v12-messages-changelog', 'application.communication.messages'];
    const ref = parseGroup('communication-v1', undefined);
    expect(ref && internalTopicsOf(ref, topics)).toEqual(['communication-v1-messages-changelog', 'communication-v1-x-repartition']);
    expect(appVersionsIn([], topics, undefined).map((r) => r.key)).toEqual(['communication-v1', 'communication-v12']);
  });
});

describe('runCli without a broker', () => {
  const run = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const sink = (append: (t: string) => void) => new Writable({ write: (c, _e, done) => (append(c.toString()), done()) });
    const code = await runCli(argv, {
      config: () => {
        throw new Error('not reached');
      },
      createDriver: async () => {
        throw new Error('not reached');
      },
      streams: { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), stdin: new PassThrough() },
    });
    return { code, stdout, stderr };
  };

  it('prints --help for the CLI and for every command (exit 0), usage errors exit 2', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(EXIT.ok);
    expect(top.stdout).toMatch(/app reset <app>/);
    for (const words of [['apps'], ['topics', 'list'], ['topics', 'describe'], ['tail'], ['group', 'offsets'], ['group', 'shift'], ['dlq', 'list'], ['dlq', 'replay'], ['app', 'reset'], ['backfill']]) {
      const help = await run([...words, '--help']);
      expect(help.code).toBe(EXIT.ok);
      expect(help.stdout).toContain(`usage: npm run cli -- ${words.join(' ')}`);
    }
    expect((await run([])).code).toBe(EXIT.usage);
    expect((await run(['tail'])).code).toBe(EXIT.usage);
    expect((await run(['tail', 't', '--bogus'])).stderr).toMatch(/Unknown option '--bogus'/);
    expect((await run(['group', 'offsets', 'a', 'b'])).code).toBe(EXIT.usage);
  });
});
