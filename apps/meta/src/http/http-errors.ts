import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { WriteError } from '@platform/chat-streams';
import { WebhookRejectedError } from '@platform/connector-kit';
import { RetryLaterException } from '@platform/nest-platform';
import { GraphRefusedError, MetaChannelNotFoundError, MetaConversationNotFoundError, MetaRequestError, MetaRetryLaterError } from '../errors';

/** Runs a use case and turns its errors into the API's answers (`{ message }`). */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHttpException(error);
  }
}

function toHttpException(error: unknown): unknown {
  if (error instanceof HttpException) return error;
  if (error instanceof WebhookRejectedError) return new HttpException({ message: error.message }, error.status);
  if (error instanceof MetaRequestError) return new BadRequestException(error.message);
  if (error instanceof MetaChannelNotFoundError || error instanceof MetaConversationNotFoundError) return new NotFoundException(error.message);
  if (error instanceof MetaRetryLaterError) return new RetryLaterException(error.message);
  if (error instanceof GraphRefusedError) return new HttpException({ message: error.message }, error.status);
  if (error instanceof WriteError && error.retriable) return new RetryLaterException('the broker could not take the write; retry later');
  return error;
}
