import type { QueryFailure } from '@platform/streams';
import { failureAnswer, formatPosition, parsePosition } from './answers';

describe('failureAnswer', () => {
  const transient: QueryFailure[] = [
    { ok: false, reason: 'REBALANCING' },
    { ok: false, reason: 'RESTORING', progress: { taskId: '0_1', store: 'counts', restored: 10, total: 40 } },
    { ok: false, reason: 'NOT_UP_TO_POSITION', position: { topic: 't', partition: 2, offset: 7n } },
    { ok: false, reason: 'NOT_RUNNING', state: 'ERROR' },
    { ok: false, reason: 'NOT_OWNER', owner: '127.0.0.1:1', taskId: '0_0' },
  ];
  /** A reason the engine may add later (e.g. a task isolated after repeated failures). */
  const future = { ok: false, reason: 'ISOLATED' } as unknown as QueryFailure;

  it.each(transient.map((f) => [f.reason, f] as const))('%s is 503 with Retry-After and a message', (_reason, failure) => {
    const answer = failureAnswer(failure, 3);
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('3');
    expect(answer.body).toEqual({ json: expect.objectContaining({ message: expect.any(String) }) });
    expect(() => JSON.stringify(answer.body)).not.toThrow();
  });

  it('any other reason is 503 with Retry-After too, never a 200 or a 500', () => {
    const answer = failureAnswer(future, 2);
    expect(answer).toEqual({ status: 503, headers: { 'Retry-After': '2' }, body: { json: { message: 'the store cannot answer now (isolated); retry later' } } });
  });

  it('names no internal address', () => {
    expect(JSON.stringify(failureAnswer(transient[4]!, 1).body)).not.toContain('127.0.0.1');
  });

  it('carries the restore progress', () => {
    const answer = failureAnswer(transient[1]!, 1);
    expect(answer.body).toEqual({ json: expect.objectContaining({ progress: { taskId: '0_1', store: 'counts', restored: 10, total: 40 } }) });
  });

  it('NOT_FOUND is 404 without Retry-After', () => {
    const answer = failureAnswer({ ok: false, reason: 'NOT_FOUND' }, 1);
    expect(answer.status).toBe(404);
    expect(answer.headers).toEqual({});
  });
});

describe('positions', () => {
  it('round-trip', () => {
    const position = { topic: 'ns.orders-v1', partition: 3, offset: '120' };
    expect(parsePosition(formatPosition(position))).toEqual(position);
  });

  it.each([undefined, '', 'topic', 'topic:1', 'topic:a:1', 'topic:1:-1', 'ns:orders:1:2', 't:0:1, t:0:2'])('rejects %p', (raw) => {
    expect(parsePosition(raw)).toBeUndefined();
  });
});
