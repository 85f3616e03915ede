import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorMessage, writeJson } from '@platform/common';
import { requestPath, type PlatformRequest, type PlatformResponse } from './http';
import type { ErrorMapping, ResolvedPlatformOptions } from './options';
import { assignRequestId, requestIdOf } from './request-id';
import { TooManyRequestsException } from './rate-limit/rate-limit.exception';
import { RetryLaterException } from './retry-later.exception';
import { PLATFORM_OPTIONS } from './tokens';

export interface ErrorAnswer {
  readonly status: number;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Errors of Express's body parser and other http-errors carry these. */
interface HttpErrorLike {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly expose?: unknown;
  readonly limit?: unknown;
  readonly message?: unknown;
}

/**
 * Maps anything thrown to the answer sent: an `HttpException` keeps its status with a string `message`
 * (Nest's array messages joined), a body that is not JSON is 400, a body over the limit 413, other
 * client errors of the body parser keep their status, a body nested deeper than the limit is 400 naming
 * it, a `RangeError` (a stack overflow walking a deep structure) 400; everything else is 500 `internal error`.
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpException) {
    const headers: Record<string, string> =
      error instanceof RetryLaterException || error instanceof TooManyRequestsException ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
    return { status: error.getStatus(), message: httpExceptionMessage(error), headers };
  }
  const http = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  if (http.type === 'entity.parse.failed') return { status: 400, message: 'body is not valid JSON', headers: {} };
  if (http.type === 'entity.too.large') {
    const limit = typeof http.limit === 'number' ? ` (limit ${http.limit} bytes)` : '';
    return { status: 413, message: `body too large${limit}`, headers: {} };
  }
  if (http.type === 'entity.too.deep' && typeof http.message === 'string') return { status: 400, message: http.message, headers: {} };
  // A structure too deep for a recursive walk (JSON.stringify, a validator): the request's fault. The
  // depth limit of `bootstrapApi` refuses such bodies first; this keeps any other path from a 500.
  if (isStackOverflow(error)) return { status: 400, message: 'request too deeply nested', headers: {} };
  if (http.expose === true && typeof http.status === 'number' && http.status >= 400 && http.status < 500) {
    return { status: http.status, message: typeof http.message === 'string' ? http.message : 'bad request', headers: {} };
  }
  return { status: 500, message: 'internal error', headers: {} };
}

/** The answer for `error`: the app's mapping of its domain errors first, then `errorAnswer`. */
export function mappedErrorAnswer(error: unknown, mapping: ErrorMapping | undefined): ErrorAnswer {
  const mapped = mapping?.(error);
  return mapped ? { status: mapped.status, message: mapped.message, headers: mapped.headers ?? {} } : errorAnswer(error);
}

/** V8's `RangeError: Maximum call stack size exceeded`. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return error.message;
}

/**
 * Global filter answering every error as `{ message }` with the request's `x-request-id` (given here if
 * no middleware gave one); 5xx other than 503 are logged with their stack and request id.
 */
@Catch()
export class PlatformExceptionFilter implements ExceptionFilter {
  constructor(@Inject(PLATFORM_OPTIONS) private readonly options: ResolvedPlatformOptions) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const req = host.switchToHttp().getRequest<PlatformRequest>();
    const res = host.switchToHttp().getResponse<PlatformResponse>();
    const answer = mappedErrorAnswer(error, this.options.errorMapping);
    const requestId = res.headersSent ? requestIdOf(req) : assignRequestId(req, res);
    // A 503 is an expected state (restoring, rebalancing, an owner unreachable), answered with Retry-After, not a failure to log.
    if ((answer.status >= 500 && answer.status !== 503) || isStackOverflow(error)) {
      this.options.logger.error('request failed', {
        method: req.method,
        path: requestPath(req),
        requestId,
        status: answer.status,
        error: errorMessage(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    writeJson(res, answer.status, { message: answer.message });
  }
}
