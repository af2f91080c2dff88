/**
 * The Content-Security-Policy of every page (the other security headers are set for
 * every response by server.mjs). Scripts run only from this origin or with the
 * request's nonce (Next marks its own inline scripts with it), so an injected
 * `<script>` does nothing; styles may be inline (React Flow and server-rendered style
 * attributes need it, and styles cannot run code). Dev mode also needs `eval` for
 * React's refresh.
 */
export function contentSecurityPolicy(nonce: string, isDev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Same-origin GraphQL over HTTP and WebSocket (the web server proxies both to the API).
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
