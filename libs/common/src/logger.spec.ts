import type { DestinationStream } from 'pino';
import { jsonLogger, redactedFields, redactedValue, silentLogger, type LogLevel } from './logger';

/** A pino destination stream keeping what pino writes, one raw chunk per line. */
function capture(): { destination: DestinationStream; raw: string[]; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  return { destination: { write: (chunk: string) => raw.push(chunk) }, raw, lines: () => raw.map((chunk) => JSON.parse(chunk) as Record<string, unknown>) };
}

describe('jsonLogger (pino)', () => {
  it('writes one JSON object per line with level label, ISO time, fields and msg', () => {
    const out = capture();
    const logger = jsonLogger({ destination: out.destination, fields: { app: 'spec' } });
    logger.info('started', { port: 8080 });
    expect(out.raw).toHaveLength(1);
    expect(out.raw[0]!.endsWith('}\n')).toBe(true);
    expect(out.raw[0]!.slice(0, -1)).not.toContain('\n');
    const [line] = out.lines();
    expect(line).toEqual({ level: 'info', time: expect.any(String), app: 'spec', port: 8080, msg: 'started' });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('at level %s writes %j', (level, written) => {
    const out = capture();
    const logger = jsonLogger({ level, destination: out.destination });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(out.lines().map((l) => l.level)).toEqual(written);
    expect(out.lines().map((l) => l.msg)).toEqual(written.map((w) => w[0]));
  });

  it('defaults to info', () => {
    const out = capture();
    const logger = jsonLogger({ destination: out.destination });
    logger.debug('hidden');
    logger.info('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('children carry their bindings, merged (a repeated field replaces, never appears twice)', () => {
    const out = capture();
    const root = jsonLogger({ destination: out.destination, fields: { app: 'spec' } });
    const streams = root.child({ component: 'streams', task: '0_1' });
    const reader = streams.child({ component: 'reader' });
    streams.warn('lagging', { partition: 3 });
    reader.info('read');
    root.info('plain');
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'warn', app: 'spec', component: 'streams', task: '0_1', partition: 3, msg: 'lagging' }),
      expect.objectContaining({ level: 'info', app: 'spec', component: 'reader', task: '0_1', msg: 'read' }),
      { level: 'info', time: expect.any(String), app: 'spec', msg: 'plain' },
    ]);
    expect(out.raw[1]!.match(/"component"/g)).toHaveLength(1);
  });

  it('children keep the level and the destination of their root', () => {
    const out = capture();
    const child = jsonLogger({ level: 'warn', destination: out.destination }).child({ component: 'x' });
    child.info('dropped');
    child.error('kept');
    expect(out.lines()).toEqual([expect.objectContaining({ level: 'error', component: 'x', msg: 'kept' })]);
  });

  it('redacts credentials in fields, in headers, in req.headers and in child bindings', () => {
    const out = capture();
    const logger = jsonLogger({ destination: out.destination }).child({ token: 'S3CRET-child', component: 'auth' });
    logger.info('request', {
      authorization: 'Bearer S3CRET-1',
      password: 'S3CRET-2',
      jwtSecret: 'S3CRET-3',
      systemToken: 'S3CRET-4',
      headers: { authorization: 'Bearer S3CRET-5', cookie: 'S3CRET-6', 'x-api-key': 'S3CRET-7', accept: 'application/json' },
      req: { headers: { authorization: 'Bearer S3CRET-8', 'set-cookie': 'S3CRET-9' } },
      encryptionKey: 'S3CRET-10',
      authToken: 'S3CRET-11',
      key: 'conversation-1',
    });
    expect(out.raw.join('')).not.toContain('S3CRET');
    expect(out.lines()[0]).toMatchObject({
      token: redactedValue,
      component: 'auth',
      authorization: redactedValue,
      password: redactedValue,
      jwtSecret: redactedValue,
      systemToken: redactedValue,
      headers: { authorization: redactedValue, cookie: redactedValue, 'x-api-key': redactedValue, accept: 'application/json' },
      req: { headers: { authorization: redactedValue, 'set-cookie': redactedValue } },
      encryptionKey: redactedValue,
      authToken: redactedValue,
      key: 'conversation-1',
    });
  });

  it('redacts every listed field name as a field, in headers and in req.headers', () => {
    const out = capture();
    const logger = jsonLogger({ destination: out.destination });
    const fields = Object.fromEntries(redactedFields.map((name) => [name, `v-${name}`]));
    logger.info('all', { ...fields, headers: { ...fields }, req: { headers: { ...fields } } });
    const [line] = out.lines();
    const headers = line!.headers as Record<string, unknown>;
    const reqHeaders = (line!.req as { headers: Record<string, unknown> }).headers;
    for (const name of redactedFields) {
      expect([line![name], headers[name], reqHeaders[name]]).toEqual([redactedValue, redactedValue, redactedValue]);
    }
  });

  it('serializes an Error under error or err with its message and stack', () => {
    const out = capture();
    jsonLogger({ destination: out.destination }).error('failed', { error: new TypeError('boom') });
    expect(out.lines()[0]).toMatchObject({ error: { type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') } });
  });

  it('passes lines without their newline to write()', () => {
    const lines: string[] = [];
    jsonLogger({ write: (line) => lines.push(line) }).warn('w', { n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', n: 1, msg: 'w' });
    expect(lines[0]!.endsWith('}')).toBe(true);
  });

  it('silentLogger writes nothing and its children are silent', () => {
    expect(silentLogger.child({ a: 1 })).toBe(silentLogger);
  });
});
