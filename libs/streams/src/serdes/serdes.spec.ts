import { Serdes, SerdeError } from './serdes';

describe('Serdes', () => {
  it('round-trips strings as UTF-8', () => {
    const serde = Serdes.string();
    expect(serde.serialize('t', 'héllo')).toEqual(Buffer.from('héllo', 'utf8'));
    expect(serde.deserialize('t', serde.serialize('t', 'héllo'))).toBe('héllo');
  });

  it('round-trips JSON values', () => {
    const serde = Serdes.json<{ a: number; b: string[] }>();
    const value = { a: 1, b: ['x'] };
    expect(serde.deserialize('t', serde.serialize('t', value))).toEqual(value);
    expect(() => serde.deserialize('t', Buffer.from('{nope'))).toThrow(SerdeError);
    expect(() => Serdes.json<unknown>().serialize('t', undefined)).toThrow(SerdeError);
  });

  it('writes int64 like the Java LongSerializer and keeps non-negative order', () => {
    const serde = Serdes.int64();
    expect(serde.serialize('t', 258)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 1, 2]));
    expect(serde.deserialize('t', serde.serialize('t', -5))).toBe(-5);
    expect(Buffer.compare(serde.serialize('t', 9), serde.serialize('t', 10))).toBe(-1);
    expect(() => serde.serialize('t', 1.5)).toThrow(SerdeError);
    expect(() => serde.deserialize('t', Buffer.alloc(3))).toThrow(SerdeError);
  });

  it('round-trips int32, doubles and buffers', () => {
    expect(Serdes.int32().deserialize('t', Serdes.int32().serialize('t', -7))).toBe(-7);
    expect(() => Serdes.int32().serialize('t', 2 ** 31)).toThrow(SerdeError);
    expect(Serdes.number().deserialize('t', Serdes.number().serialize('t', 0.25))).toBe(0.25);
    const bytes = Buffer.from([1, 2, 3]);
    expect(Serdes.buffer().deserialize('t', Serdes.buffer().serialize('t', bytes))).toEqual(bytes);
  });
});
