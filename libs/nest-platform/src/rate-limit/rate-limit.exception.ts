import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 `{ message }` with `Retry-After` (the platform's exception filter sets the header). */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ message }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
