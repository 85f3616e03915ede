import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { validateRequest, type RequestName } from '@platform/chat-domain';

/** The request body of `endpoint`, validated against the shared request schemas; 400 `{ message }` naming the field. */
export const ChatBody = createParamDecorator((endpoint: RequestName, context: ExecutionContext) => {
  const body = context.switchToHttp().getRequest<{ body?: unknown }>().body ?? {};
  const result = validateRequest(endpoint, body);
  if (!result.ok) throw new BadRequestException({ message: result.message });
  return result.value;
});
