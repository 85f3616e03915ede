import type { IncomingMessage } from 'node:http';
import { checkSystemToken } from '@platform/auth';

/**
 * Who may read the gateway's `/metrics` on its public port when no management port is configured:
 * `Bearer <AUTH_SYSTEM_TOKEN>` only; without a configured token nobody (configure one of the two).
 */
export function gatewayMetricsAccess(systemToken: string | undefined) {
  return (req: IncomingMessage): { status: number; message: string } | undefined => {
    if (systemToken === undefined) return { status: 404, message: '/metrics is served on MANAGEMENT_PORT (or with AUTH_SYSTEM_TOKEN set)' };
    const header = req.headers.authorization;
    const match = /^Bearer (.+)$/i.exec(header ?? '');
    if (match === null) return { status: 401, message: '/metrics needs the system token (Authorization: Bearer <token>), or use the management port' };
    if (!checkSystemToken(match[1], systemToken)) return { status: 401, message: 'invalid token' };
    return undefined;
  };
}
