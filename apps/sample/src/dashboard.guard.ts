import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from './app.config';

/** Where the API serves the tasks dashboard. */
export const DASHBOARD_PATH = '/tasks';

/**
 * Lets a request into the dashboard when it carries the configured token: as
 * `Authorization: Bearer <token>`, or as the password of HTTP Basic credentials (any
 * user name), which a browser asks for on its first visit. A wrong token gets 403.
 */
@Injectable()
export class DashboardTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const authorization = http.getRequest<IncomingMessage>().headers.authorization;
    if (authorization === undefined) {
      // No credentials yet: ask the browser for them.
      http.getResponse<ServerResponse>().setHeader('www-authenticate', 'Basic realm="tasks dashboard", charset="UTF-8"');
      throw new UnauthorizedException('The dashboard needs the DASHBOARD_TOKEN.');
    }
    return this.matches(tokenOf(authorization));
  }

  private matches(token: string | undefined): boolean {
    if (token === undefined) return false;
    const given = Buffer.from(token);
    const expected = Buffer.from(this.config.dashboardToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function tokenOf(authorization: string): string | undefined {
  const [scheme, value = ''] = authorization.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
