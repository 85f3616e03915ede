import { FilterSyntaxError, InvalidCursorError, InvalidMetadataError, InvalidPageSizeError, MessageNotResendableError, ReservedKeyError, SizeLimitError, flattenMetadata, parseFilter, type MetadataObject } from '@platform/chat-domain';
import { PlatformError } from '@platform/common';
import { mappedErrorAnswer } from '@platform/nest-platform';
import { BadRequestError, communicationErrorMapping, errorStatus, NotFoundError, UnavailableError } from './errors';

describe('errorStatus', () => {
  it('maps app and domain errors to statuses with messages naming the field', () => {
    expect(errorStatus(new NotFoundError('conversation x not found'))).toEqual({ status: 404, message: 'conversation x not found' });
    expect(errorStatus(new BadRequestError('channel_id: disconnected'))).toEqual({ status: 400, message: 'channel_id: disconnected' });
    expect(errorStatus(new UnavailableError('restoring'))?.status).toBe(503);
    expect(errorStatus(new FilterSyntaxError('unexpected end', 14, 'unread_count:['))?.message).toBe('filters: unexpected end at position 14');
    expect(errorStatus(new InvalidCursorError('!!'))).toEqual({ status: 400, message: 'cursor: invalid cursor "!!"' });
    expect(errorStatus(new InvalidPageSizeError(0, 1000))?.message).toContain('page_size');
    expect(errorStatus(new InvalidMetadataError('bad key'))?.message).toBe('data: bad key');
    // issue #9: prototype keys in metadata.upsert data and filter fields are 400, never 500
    const hostile = JSON.parse('{"__proto__": {"x": "y"}}') as MetadataObject;
    expect(() => flattenMetadata(hostile)).toThrow(ReservedKeyError);
    expect(errorStatus(new ReservedKeyError('__proto__', 'metadata'))?.status).toBe(400);
    expect(errorStatus(catchError(() => flattenMetadata(hostile)))).toEqual({ status: 400, message: 'data: metadata at "__proto__": key "__proto__" is not allowed (__proto__, constructor, prototype are reserved)' });
    expect(errorStatus(catchError(() => parseFilter('metadata.constructor.x:y')))?.status).toBe(400);
    expect(errorStatus(catchError(() => parseFilter('*'.repeat(11) + 'z')))).toEqual({ status: 400, message: 'filters: term has more than 10 wildcards ("*" or "?") at position 0' });
    expect(errorStatus(new MessageNotResendableError('m', 'DELIVERED'))?.status).toBe(409);
    expect(errorStatus(new SizeLimitError('metadata of conversation c', 300_000, 262_144))).toEqual({ status: 413, message: 'metadata of conversation c is 300000 bytes, limit 262144 bytes' });
  });

  it('answers 503 for retriable platform errors (a write the broker refused for now) and leaves anything else to the platform (500)', () => {
    expect(errorStatus(new PlatformError('broker unavailable', { retriable: true }))).toEqual({ status: 503, message: 'broker unavailable; retry later' });
    expect(errorStatus(new PlatformError('bug'))).toBeUndefined();
    expect(errorStatus(new TypeError('x'))).toBeUndefined();
  });

  it('maps through the platform filter: Retry-After on 503, the platform answers what it does not know', () => {
    const mapping = communicationErrorMapping(7);
    expect(mappedErrorAnswer(new UnavailableError('restoring'), mapping)).toEqual({ status: 503, message: 'restoring', headers: { 'Retry-After': '7' } });
    expect(mappedErrorAnswer(new NotFoundError('conversation x not found'), mapping)).toEqual({ status: 404, message: 'conversation x not found', headers: {} });
    expect(mappedErrorAnswer(new TypeError('x'), mapping)).toEqual({ status: 500, message: 'internal error', headers: {} });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
