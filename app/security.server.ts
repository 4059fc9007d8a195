/**
 * HTTP-level protections applied by server.ts to every response and request: CSP with a
 * per-request nonce, the usual hardening headers, POST-only mutations and an Origin check.
 * Pure functions, so they are unit-tested without a server.
 */
import { randomBytes } from "node:crypto";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

type CspOptions = {
  nonce: string;
  /** Development: Vite's HMR websocket and the styles it injects at runtime. */
  dev: boolean;
  appUrl: string;
};

export function contentSecurityPolicy({ nonce, dev, appUrl }: CspOptions): string {
  const app = new URL(appUrl);
  const hmrSocket = `${app.protocol === "https:" ? "wss:" : "ws:"}//${app.host}`;
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`],
    // Vite injects CSS as <style> elements while developing; the build links .css files.
    "style-src": dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    // Style ATTRIBUTES only (not <style> elements, not scripts): react-big-calendar positions the
    // events of the server-rendered calendar with style="top: …; height: …" attributes, which the
    // browser would otherwise drop. An injected style attribute cannot run code, and React escapes
    // everything it renders, so this opens nothing for scripts (they stay nonce-only).
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": dev ? ["'self'", hmrSocket, "ws://localhost:*", "ws://127.0.0.1:*"] : ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  if (app.protocol === "https:") directives["upgrade-insecure-requests"] = [];
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");
}

export function securityHeaders(options: CspOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-DNS-Prefetch-Control": "off",
  };
  if (!options.dev && new URL(options.appUrl).protocol === "https:") {
    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  }
  return headers;
}

export const ALLOWED_METHODS = ["GET", "HEAD", "POST"] as const;

/**
 * Routes that may be reached with other methods, or without our Origin, as patterns on the path that
 * is routed (routedPath). Add one only with a reason, e.g. RFC 8058 one-click unsubscribe, which mail
 * providers POST from their own servers (that route is protected by its token instead).
 */
export const methodExceptions: Array<{ pattern: RegExp; methods: string[] }> = [];
export const originCheckExemptRoutes: RegExp[] = [
  // RFC 8058 one-click unsubscribe: mail providers POST here from their own servers, with their own
  // Origin or none and no cookie; the token in the path is the only authority (unsubscribe.$token.tsx).
  /^\/unsubscribe\/[^/]+\/?$/,
  // The platform cron (or pg_cron through pg_net) POSTs here with no Origin; CRON_SECRET guards it.
  /^\/cron\/digest\/?$/,
];

export function isOriginCheckExempt(routed: string): boolean {
  return originCheckExemptRoutes.some((pattern) => pattern.test(routed));
}

// A host name, IPv4 or [IPv6] address, and an optional port: nothing that could carry a path.
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The path Remix will route for this request target and Host header, or null when the two would not
 * be read the same way by every part of the server. Remix builds `new URL(protocol://host + target)`,
 * which resolves dot segments (`..`, `%2e%2e` in any case), turns backslashes into slashes, and lets a
 * Host header with a path, `?` or `#` replace the path. Checks made on the raw path would then look at
 * another path than the one that runs, so such requests are refused outright (browsers never send
 * them: they normalise addresses before sending). Double slashes are refused for the same reason.
 */
export function routedPath(target: string, host: string | undefined): string | null {
  if (host !== undefined && !HOST.test(host)) return null;
  if (!target.startsWith("/")) return null;
  const raw = target.split(/[?#]/, 1)[0];
  let routed: string;
  try {
    routed = new URL(target, "http://routed.invalid").pathname;
  } catch {
    return null;
  }
  if (routed !== raw || raw.includes("//")) return null;
  return routed;
}

export type RequestCheck =
  | { ok: true }
  | { ok: false; status: 400 | 403 | 405; message: string; headers?: Record<string, string> };

/**
 * Mutations only by POST, and only from our own pages: every request other than GET/HEAD must carry
 * an Origin of APP_URL's origin (or, when it sends no Origin at all, a Referer of it). `path` is the
 * routed path (routedPath).
 */
export function checkRequest(input: {
  method: string;
  path: string;
  origin: string | undefined;
  referer: string | undefined;
  appUrl: string;
  dev?: boolean;
}): RequestCheck {
  const method = input.method.toUpperCase();
  if (method === "GET" || method === "HEAD") return { ok: true };

  const allowedHere = methodExceptions
    .filter((rule) => rule.pattern.test(input.path))
    .flatMap((rule) => rule.methods);
  if (method !== "POST" && !allowedHere.includes(method)) {
    return {
      ok: false,
      status: 405,
      message: "Method not allowed.",
      headers: { Allow: ALLOWED_METHODS.join(", ") },
    };
  }

  if (isOriginCheckExempt(input.path)) return { ok: true };

  const expected = new URL(input.appUrl).origin;
  // An Origin that is sent decides, `null` included (sandboxed frames, cross-origin redirects).
  const actual = input.origin !== undefined ? originOf(input.origin) : originOf(input.referer);
  if (actual === expected) return { ok: true };

  const hint = input.dev ? ` (got ${actual ?? "no Origin or Referer"}, expected ${expected}: check APP_URL)` : "";
  return {
    ok: false,
    status: 403,
    message: `This request did not come from this site, so it was refused.${hint}`,
  };
}

function originOf(value: string | undefined): string | null {
  if (!value || value === "null") return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}
