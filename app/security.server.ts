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
 * Paths that may be reached with other methods, or without our Origin. Add a route here only
 * with a reason, e.g. RFC 8058 one-click unsubscribe, which mail providers POST from their own
 * servers (that route is protected by its secret token instead).
 */
export const methodExceptions: Array<{ pathPrefix: string; methods: string[] }> = [];
export const originCheckExemptPaths: string[] = [
  // RFC 8058 one-click unsubscribe: mail providers POST here from their own servers, without our
  // Origin or any cookie; the signed token in the path is the only authority (unsubscribe.$token.tsx).
  "/unsubscribe/",
  // The platform cron (or pg_cron through pg_net) POSTs here with no Origin; CRON_SECRET guards it.
  "/cron/digest",
];

export type RequestCheck =
  | { ok: true }
  | { ok: false; status: 403 | 405; message: string; headers?: Record<string, string> };

/**
 * Mutations only by POST, and only from our own pages: every request other than GET/HEAD
 * must carry an Origin (or, failing that, a Referer) of APP_URL's origin.
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
    .filter((rule) => input.path.startsWith(rule.pathPrefix))
    .flatMap((rule) => rule.methods);
  if (method !== "POST" && !allowedHere.includes(method)) {
    return {
      ok: false,
      status: 405,
      message: "Method not allowed.",
      headers: { Allow: ALLOWED_METHODS.join(", ") },
    };
  }

  if (originCheckExemptPaths.some((prefix) => input.path.startsWith(prefix))) return { ok: true };

  const expected = new URL(input.appUrl).origin;
  const actual = originOf(input.origin) ?? originOf(input.referer);
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
