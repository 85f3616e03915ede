import { BadRequestException, createParamDecorator, HttpException, HttpStatus, PayloadTooLargeException, type ExecutionContext } from '@nestjs/common';
import { validateRequest, type RequestBody, type RequestName } from '@platform/chat-domain';
import { headerValue, type PlatformRequest } from './http';

/**
 * The validated body of a chat endpoint: `@ChatBody('conversations.list') body: RequestBody<'conversations.list'>`.
 * A body that breaks the endpoint's schema is 400 `{ message }` naming the field; a field over its size
 * limit (chat-domain limits.ts) is 413 `{ message }` naming the limit. A request without a
 * body counts as `{}` (so `tags.list` needs none and required fields are reported by name); a body
 * that is not JSON (another Content-Type) is 415.
 */
export const ChatBody: <N extends RequestName>(endpoint: N) => ParameterDecorator = createParamDecorator(
  (endpoint: RequestName, ctx: ExecutionContext) => validatedBody(endpoint, ctx.switchToHttp().getRequest<PlatformRequest>()),
);

/** Validates the body of `req` for `endpoint`; throws the 400/413/415 `HttpException` the filter answers. */
export function validatedBody<N extends RequestName>(endpoint: N, req: PlatformRequest): RequestBody<N> {
  let body = req.body;
  if (body === undefined) {
    if (hasBody(req)) throw new HttpException({ message: 'Content-Type must be application/json' }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    body = {};
  }
  const result = validateRequest(endpoint, body);
  if (!result.ok) throw result.tooLarge === true ? new PayloadTooLargeException(result.message) : new BadRequestException(result.message);
  return result.value;
}

function hasBody(req: PlatformRequest): boolean {
  const length = headerValue(req, 'content-length');
  return (length !== undefined && length !== '0') || headerValue(req, 'transfer-encoding') !== undefined;
}
