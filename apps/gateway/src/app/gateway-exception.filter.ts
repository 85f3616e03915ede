import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorMessage } from '@platform/common';
import { errorAnswer } from '@platform/nest-platform';
import type { GatewayDeps } from './gateway-deps';
import { GATEWAY_DEPS } from './tokens';

interface Response {
  readonly headersSent: boolean;
  status(code: number): Response;
  json(body: unknown): unknown;
}

/** Every error of the gateway's own routes as `{ message }` (unknown paths: 404 `Cannot GET /x`). */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const answer = errorAnswer(error);
    if (answer.status >= 500) {
      this.deps.logger.error('gateway request failed', { error: errorMessage(error), stack: error instanceof Error ? error.stack : undefined });
    }
    if (!res.headersSent) res.status(answer.status).json({ message: answer.message });
  }
}
