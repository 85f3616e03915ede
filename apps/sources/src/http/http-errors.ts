import { HttpException } from '@nestjs/common';
import { WriteError } from '@platform/chat-streams';
import { RetryLaterException } from '@platform/nest-platform';
import { SourcesRequestError } from '../errors';

/** Runs a use case and turns its errors into the API's answers (`{ message }`). */
export async function answering<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHttpException(error);
  }
}

function toHttpException(error: unknown): unknown {
  if (error instanceof HttpException) return error;
  if (error instanceof SourcesRequestError) return new HttpException({ message: error.message }, error.status);
  if (error instanceof WriteError && error.retriable) return new RetryLaterException('the broker could not take the write; retry later');
  return error;
}
