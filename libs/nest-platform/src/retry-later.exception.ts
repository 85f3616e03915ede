import { HttpException, HttpStatus } from '@nestjs/common';

/** 503 `{ message }` with `Retry-After` (a store restoring or rebalancing, an owner unreachable). */
export class RetryLaterException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super({ message }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
