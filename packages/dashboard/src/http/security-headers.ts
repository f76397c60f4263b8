import type { ServerResponse } from 'node:http';

/**
 * The page loads only its own script and style: no inline code, nothing from elsewhere.
 * `connect-src 'self'` covers the JSON API and the event stream.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every dashboard response. */
export function setSecurityHeaders(out: ServerResponse): void {
  out.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  out.setHeader('x-content-type-options', 'nosniff');
  out.setHeader('referrer-policy', 'no-referrer');
  out.setHeader('x-frame-options', 'DENY');
  out.setHeader('cross-origin-resource-policy', 'same-origin');
}
