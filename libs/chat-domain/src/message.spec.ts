import { MessageNotResendableError } from './errors';
import { aMessage } from './internals/fixtures';
import { compareMessagesNewestFirst, isLaterMessage, isSameOrNewerVersion, parseMessageContent, resendMessage, withDeliveryState } from './message';

describe('message versions', () => {
  const pending = aMessage({ id: 'm', deliveryState: 'PENDING', isFromContact: false });
  const delivered = withDeliveryState(pending, 'DELIVERED', 5_000);

  it('orders versions by updatedAt, a never-updated message being the oldest', () => {
    expect(delivered).toMatchObject({ deliveryState: 'DELIVERED', updatedAt: 5_000 });
    expect(isSameOrNewerVersion(delivered, pending)).toBe(true);
    expect(isSameOrNewerVersion(pending, delivered)).toBe(false);
    expect(isSameOrNewerVersion(delivered, delivered)).toBe(true);
  });

  it('always moves updatedAt forward, even with a clock behind the last update', () => {
    const failed = withDeliveryState(delivered, 'FAILED', 1);
    expect(failed.updatedAt).toBe(5_001);
  });
});

describe('resendMessage', () => {
  it('re-queues a FAILED message as a newer PENDING version', () => {
    const failed = aMessage({ id: 'm', deliveryState: 'FAILED', updatedAt: 2_000, isFromContact: false });
    const resent = resendMessage(failed, 3_000);
    expect(resent).toMatchObject({ id: 'm', deliveryState: 'PENDING', updatedAt: 3_000 });
    expect(isSameOrNewerVersion(resent, failed)).toBe(true);
  });

  it('refuses any other state', () => {
    for (const deliveryState of ['PENDING', 'DELIVERED'] as const) {
      expect(() => resendMessage(aMessage({ id: 'm', deliveryState }), 1)).toThrow(MessageNotResendableError);
    }
    expect(() => resendMessage(aMessage({ id: 'm' }), 1)).toThrow('message m is delivered; only failed messages can be resent');
  });
});

describe('content and order', () => {
  it('parses JSON content and keeps raw text otherwise', () => {
    expect(parseMessageContent('{"text":"hi"}')).toEqual({ text: 'hi' });
    expect(parseMessageContent('Body=Hello&From=%2B49')).toBe('Body=Hello&From=%2B49');
    expect(parseMessageContent('"quoted"')).toBe('quoted');
  });

  it('sorts newest first with id as tie-breaker', () => {
    const list = [aMessage({ id: 'b', sentAt: 1 }), aMessage({ id: 'a', sentAt: 1 }), aMessage({ id: 'c', sentAt: 2 })];
    expect(list.sort(compareMessagesNewestFirst).map((m) => m.id)).toEqual(['c', 'a', 'b']);
    expect(isLaterMessage(aMessage({ id: 'b', sentAt: 1 }), aMessage({ id: 'a', sentAt: 1 }))).toBe(true);
  });
});
