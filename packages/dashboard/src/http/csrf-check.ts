import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpExchange } from './http-exchange';

/** Header that carries the page's token on state-changing requests. */
export const CSRF_HEADER = 'x-tasks-csrf';

/**
 * Refuses state-changing requests that do not come from the dashboard's own page:
 * they must carry the token the (guarded) page holds, and a browser's `Origin` and
 * `Sec-Fetch-Site` must say same-origin. A cross-site form or fetch has neither.
 */
export class CsrfCheck {
  readonly token = randomBytes(24).toString('base64url');

  /** Why `exchange` is refused, or `undefined` when it may go on. */
  refusal(exchange: HttpExchange): string | undefined {
    const site = exchange.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') return `cross-site request refused (Sec-Fetch-Site: ${site})`;
    const origin = exchange.header('origin');
    const host = exchange.header('host');
    if (origin !== undefined && (host === undefined || !sameHost(origin, host))) return 'cross-origin request refused (Origin does not match Host)';
    const sent = exchange.header(CSRF_HEADER);
    if (sent === undefined) return `missing ${CSRF_HEADER} header`;
    const a = Buffer.from(sent);
    const b = Buffer.from(this.token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return `wrong ${CSRF_HEADER} token`;
    return undefined;
  }
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
