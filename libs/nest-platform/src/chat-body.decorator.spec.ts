import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { maxMessageContentBytes } from '@platform/chat-domain';
import { validatedBody } from './chat-body.decorator';
import type { PlatformRequest } from './http';

const request = (body: unknown): PlatformRequest => ({ body, headers: {} }) as unknown as PlatformRequest;
const content = (bytes: number) => ({ text: 'x'.repeat(bytes - JSON.stringify({ text: '' }).length) });

describe('validatedBody', () => {
  it('returns the body of a message exactly at the content limit', () => {
    expect(validatedBody('chatplugin.send', request({ message: content(maxMessageContentBytes) }))).toEqual({ message: content(maxMessageContentBytes) });
  });

  it('answers 413 naming the limit for a field over its size, 400 for other problems', () => {
    const tooLarge = () => validatedBody('chatplugin.send', request({ message: content(maxMessageContentBytes + 1) }));
    expect(tooLarge).toThrow(PayloadTooLargeException);
    expect(tooLarge).toThrow(`message content is ${maxMessageContentBytes + 1} bytes, limit ${maxMessageContentBytes} bytes`);
    expect(() => validatedBody('tags.create', request({ name: 'n'.repeat(201), color: 'tag-red' }))).toThrow(PayloadTooLargeException);
    expect(() => validatedBody('tags.create', request({ name: 'n' }))).toThrow(BadRequestException);
  });

  it('answers 415 for a body that is not JSON', () => {
    const req = { body: undefined, headers: { 'content-length': '3' } } as unknown as PlatformRequest;
    let status = 0;
    try {
      validatedBody('tags.list', req);
    } catch (error) {
      status = (error as HttpException).getStatus();
    }
    expect(status).toBe(415);
  });
});
