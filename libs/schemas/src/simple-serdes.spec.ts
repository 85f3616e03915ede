import { DeserializationError, SerializationError } from './errors';
import { bufferSerde, jsonSerde, stringSerde } from './simple-serdes';

describe('simple serdes', () => {
  it('round-trips strings as UTF-8', async () => {
    const bytes = await stringSerde.serialize('t', 'héllo');
    expect(bytes).toEqual(Buffer.from('héllo', 'utf8'));
    expect(await stringSerde.deserialize('t', bytes)).toBe('héllo');
  });

  it('passes buffers through', async () => {
    const data = Buffer.from([0, 1, 2]);
    expect(await bufferSerde.deserialize('t', await bufferSerde.serialize('t', data))).toBe(data);
  });

  it('round-trips JSON and reports bad input with the topic', async () => {
    const serde = jsonSerde<{ a: number[] }>();
    expect(await serde.deserialize('t', await serde.serialize('t', { a: [1, 2] }))).toEqual({ a: [1, 2] });
    await expect(serde.deserialize('orders', Buffer.from('{nope'))).rejects.toThrow(DeserializationError);
    await expect(jsonSerde<unknown>().serialize('orders', undefined)).rejects.toThrow(SerializationError);
  });
});
