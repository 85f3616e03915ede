import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { ProductionError } from '../errors';
import { isFencingError } from './fencing';

describe('isFencingError', () => {
  const protocolError = (type: string, code: number) => Object.assign(new Error(type), { type, code });

  it('recognises INVALID_PRODUCER_EPOCH and PRODUCER_FENCED however deeply kafkajs or the runtime wrapped them', () => {
    const epoch = protocolError('INVALID_PRODUCER_EPOCH', 47);
    expect(isFencingError(epoch)).toBe(true);
    expect(isFencingError(protocolError('UNKNOWN', 90))).toBe(true);
    expect(isFencingError(new ProductionError(epoch))).toBe(true);
    expect(isFencingError(Object.assign(new Error('retries exceeded'), { originalError: epoch }))).toBe(true);
    expect(isFencingError(Object.assign(new Error('several'), { errors: [new Error('x'), epoch] }))).toBe(true);
  });

  it('does not mistake other failures for fencing', () => {
    expect(isFencingError(new KafkaJSProtocolError('MESSAGE_TOO_LARGE'))).toBe(false);
    expect(isFencingError(new ProductionError(new KafkaJSNonRetriableError('broker went away')))).toBe(false);
    expect(isFencingError(undefined)).toBe(false);
    expect(isFencingError('INVALID_PRODUCER_EPOCH')).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isFencingError(loop)).toBe(false);
  });
});
