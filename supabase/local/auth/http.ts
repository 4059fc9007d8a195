import type http from "node:http";

// Request/response plumbing, and errors in the shapes Supabase Auth sends them: clients that send
// `X-Supabase-Api-Version: 2024-01-01` (auth-js always does) get `{ code: "<error_code>", message }`,
// older clients get `{ code: <status>, error_code, msg }`; both get the error code in the
// `x-sb-error-code` header too.

export const API_VERSION_HEADER = "x-supabase-api-version";
export const ERROR_CODE_HEADER = "x-sb-error-code";
const API_VERSION_2024 = "2024-01-01";
const MAX_BODY_BYTES = 1_000_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {}
  ) {
    super(message);
  }
}

/** The OAuth-style error some grant paths answer with: `{ error, error_description }`. */
export class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
  }
}

export const badRequest = (code: string, msg: string) => new ApiError(400, code, msg);
export const forbidden = (code: string, msg: string) => new ApiError(403, code, msg);
export const notFound = (code: string, msg: string) => new ApiError(404, code, msg);
export const unprocessable = (code: string, msg: string) => new ApiError(422, code, msg);

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | { redirect: string };

export interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Captures of the matched route pattern. */
  params: string[];
  /** Public URL of the auth API as clients reach it, e.g. http://127.0.0.1:54321/auth/v1. */
  authUrl: string;
  body(opts?: { optional?: boolean }): Promise<Body>;
  bearer(): string | null;
}

/** Typed access to a JSON request body; a field of the wrong type is a bad_json error, as in Go. */
export class Body {
  constructor(private readonly data: Record<string, unknown>) {}

  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }
  string(key: string): string {
    const value = this.data[key];
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw badJson(`${key} must be a string`);
    return value;
  }
  boolean(key: string, fallback = false): boolean {
    const value = this.data[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "boolean") throw badJson(`${key} must be a boolean`);
    return value;
  }
  object(key: string): Record<string, unknown> | undefined {
    const value = this.data[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) throw badJson(`${key} must be an object`);
    return value as Record<string, unknown>;
  }
}

const badJson = (reason: string) => badRequest("bad_json", `Could not parse request body as JSON: ${reason}`);

export async function readBody(req: http.IncomingMessage, optional = false): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, "request_entity_too_large", `Request body too large (max ${MAX_BODY_BYTES} bytes)`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim() && optional) return new Body({});
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw badJson(text.trim() ? (error as Error).message : "unexpected end of JSON input");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw badJson("expected a JSON object");
  return new Body(data as Record<string, unknown>);
}

export function bearerToken(req: http.IncomingMessage): string | null {
  return /^[Bb]earer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
}

export function wantsVersionedErrors(req: http.IncomingMessage): boolean {
  const version = req.headers[API_VERSION_HEADER];
  return typeof version === "string" && /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= API_VERSION_2024;
}

export function send(res: http.ServerResponse, reply: Reply, versioned: boolean) {
  if (versioned) res.setHeader(API_VERSION_HEADER, API_VERSION_2024);
  if ("redirect" in reply) {
    res.writeHead(303, { location: reply.redirect });
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json" });
  res.end(JSON.stringify(reply.body));
}

export function errorReply(error: unknown, versioned: boolean): Reply {
  if (error instanceof OAuthError) {
    return { status: 400, body: { error: error.error, error_description: error.description } };
  }
  if (error instanceof ApiError) {
    const body = versioned
      ? { code: error.code, message: error.message }
      : { code: error.status, error_code: error.code, msg: error.message };
    return { status: error.status, body: { ...body, ...error.extra }, headers: { [ERROR_CODE_HEADER]: error.code } };
  }
  // A bug or a database failure: say so where a developer will see it.
  console.error("[local auth] unexpected error:", error);
  const message = "Unexpected failure, please check server logs for more information";
  return errorReply(new ApiError(500, "unexpected_failure", message), versioned);
}

/**
 * Supabase Auth's allow-list patterns (additional_redirect_urls): globs where `*` and `?` stop at
 * `.` and `/`, and `**` does not. Other glob syntax is taken literally.
 */
function globMatches(pattern: string, candidate: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith("**", i)) {
      source += ".*";
      i++;
    } else if (pattern[i] === "*") source += "[^./]*";
    else if (pattern[i] === "?") source += "[^./]";
    else source += pattern[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s").test(candidate);
}

const DECIMAL_IP = /^[0-9]+$/;
const REGULAR_HOSTNAME = /^[a-zA-Z0-9_.-]+$/;
const isLoopbackIp = (host: string) => /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";

/**
 * The `redirect_to` a client asked for if Supabase Auth would allow it, otherwise the site URL: the
 * site's scheme and host (any port on a loopback host), a loopback IP address, or a match of the allow
 * list (additional_redirect_urls), compared without the fragment.
 */
export function redirectTarget(candidate: string | null | undefined, siteUrl: string, allowList: string[] = []): string {
  if (!candidate) return siteUrl;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return siteUrl;
  }
  const site = new URL(siteUrl);
  const host = url.hostname;
  const loopback = host === "localhost" || isLoopbackIp(host);
  if (host === site.hostname && url.protocol === site.protocol && (url.port === site.port || loopback)) return candidate;
  if (DECIMAL_IP.test(host)) return siteUrl;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[")) return isLoopbackIp(host) ? candidate : siteUrl;
  if ((url.protocol === "http:" || url.protocol === "https:") && !REGULAR_HOSTNAME.test(host)) return siteUrl;
  const withoutFragment = candidate.split("#")[0];
  return allowList.some((pattern) => globMatches(pattern, withoutFragment)) ? candidate : siteUrl;
}
