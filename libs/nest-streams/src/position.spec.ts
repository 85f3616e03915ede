import { MAX_POSITION_HEADER_LENGTH, checkPosition, inputPartitions, parsePositionHeader, partitionsOfCounts } from './position';

describe('parsePositionHeader', () => {
  it('reads one topic:partition:offset, the offset as a decimal string', () => {
    expect(parsePositionHeader('ns.orders-v1_x:3:120')).toEqual({ ok: true, position: { topic: 'ns.orders-v1_x', partition: 3, offset: '120' } });
    expect(parsePositionHeader([' t:0:9223372036854775807 '])).toEqual({ ok: true, position: { topic: 't', partition: 0, offset: '9223372036854775807' } });
  });

  it.each([undefined, '', '   '])('no header (%p) is no position', (raw) => {
    expect(parsePositionHeader(raw)).toEqual({ ok: true, position: undefined });
  });

  it.each([
    ['topic', 'expected topic:partition:offset'],
    ['topic:1', 'expected topic:partition:offset'],
    ['topic:a:1', 'expected topic:partition:offset'],
    ['topic:1:-1', 'expected topic:partition:offset'],
    ['ns:orders:1:2', 'expected topic:partition:offset'],
    ['t o:1:2', 'expected topic:partition:offset'],
    ['t:2147483648:0', 'partition 2147483648 is out of range'],
    ['t:0:9223372036854775808', 'offset 9223372036854775808 is out of range'],
    ['t:0:99999999999999999999', 'expected topic:partition:offset'],
    ['t:0:1, t:0:2', 'one position only'],
    [`${'t'.repeat(MAX_POSITION_HEADER_LENGTH)}:0:1`, `longer than ${MAX_POSITION_HEADER_LENGTH} characters`],
  ])('refuses %p naming the problem', (raw, problem) => {
    const parsed = parsePositionHeader(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(problem);
  });

  it('refuses repeated headers', () => {
    expect(parsePositionHeader(['t:0:1', 't:0:2'])).toEqual({ ok: false, message: 'x-streams-position: give one position only' });
  });

  it('stays linear on long hostile input', () => {
    // A backtracking pattern would need ages for this; the bounded one answers at once.
    const parsed = parsePositionHeader(`${'a:'.repeat(140)}x`);
    expect(parsed.ok).toBe(false);
  });
});

describe('checkPosition', () => {
  const known = partitionsOfCounts([
    ['in', 3],
    ['other', 1],
  ]);

  it('accepts a partition of an input topic', () => {
    expect(checkPosition('in:2:5', known)).toEqual({ ok: true, position: { topic: 'in', partition: 2, offset: '5' } });
    expect(checkPosition(undefined, known)).toEqual({ ok: true, position: undefined });
  });

  it('refuses a topic that is not an input, and a partition the topic does not have', () => {
    expect(checkPosition('elsewhere:0:1', known)).toEqual({ ok: false, kind: 'invalid', message: 'x-streams-position: elsewhere is not an input topic of this service' });
    expect(checkPosition('in:3:1', known)).toEqual({ ok: false, kind: 'invalid', message: 'x-streams-position: in has no partition 3' });
  });

  it('a malformed header is invalid even before any assignment; a well-formed one cannot be checked then', () => {
    expect(checkPosition('in:x:1', undefined)).toMatchObject({ ok: false, kind: 'invalid' });
    expect(checkPosition('in:0:1', undefined)).toMatchObject({ ok: false, kind: 'unknown' });
    expect(checkPosition(undefined, undefined)).toEqual({ ok: true, position: undefined });
  });
});

describe('inputPartitions', () => {
  it('unites the partitions assigned to every member', () => {
    const known = inputPartitions([
      { memberId: 'a', tasks: ['0_0'], partitions: [{ topic: 'in', partitions: [0, 2] }] },
      { memberId: 'b', tasks: ['0_1'], partitions: [{ topic: 'in', partitions: [1] }, { topic: 'rep', partitions: [0] }] },
    ]);
    expect(known && [...known].map(([topic, set]) => [topic, [...set].sort()])).toEqual([
      ['in', [0, 1, 2]],
      ['rep', [0]],
    ]);
  });

  it('is undefined before any assignment', () => {
    expect(inputPartitions([])).toBeUndefined();
    expect(inputPartitions([{ memberId: 'a', tasks: [], partitions: [] }])).toBeUndefined();
  });
});
