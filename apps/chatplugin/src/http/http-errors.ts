import { ForbiddenException, HttpException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { WriteError } from '@platform/chat-streams';
import { WebhookRejectedError } from '@platform/connector-kit';
import { RetryLaterException } from '@platform/nest-platform';
import { ChannelNotFoundError, ForeignConversationError, HistoryUnavailableError, VisitorAuthError } from '../errors';

/** Runs a use case and turns its errors into the HTTP answers of the API (`{ message }`). */
export async function answering<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHttpException(error);
  }
}

export function toHttpException(error: unknown): unknown {
  if (error instanceof HttpException) return error;
  if (error instanceof VisitorAuthError) return new UnauthorizedException(error.message);
  // chatplugin.send's refusals by the kit's ingress (401: the visitor token).
  if (error instanceof WebhookRejectedError) return new HttpException({ message: error.message }, error.status);
  if (error instanceof ChannelNotFoundError) return new NotFoundException(error.message);
  if (error instanceof ForeignConversationError) return new ForbiddenException(error.message);
  if (error instanceof HistoryUnavailableError) return new RetryLaterException(error.message);
  if (error instanceof WriteError && error.retriable) return new RetryLaterException('the broker could not take the write; retry later');
  return error;
}
