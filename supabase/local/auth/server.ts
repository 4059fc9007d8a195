import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import pg from "pg";
import { readProjectConfig, type EmailTemplate, type EmailTemplateName } from "../config";
import type { SigningKey } from "../keys";
import * as adminApi from "./admin";
import { createMailer } from "./emails";
import * as api from "./handlers";
import * as links from "./links";
import { createRateLimiter, unlimited, type RateLimits, type RequestLimit } from "./rate-limit";
import {
  ApiError,
  bearerToken,
  errorReply,
  readBody,
  send,
  wantsVersionedErrors,
  type Req,
} from "./http";

// A local stand-in for Supabase Auth (GoTrue): the part of its HTTP API the app uses, on a plain
// node:http server. It serves paths without the /auth/v1 prefix: the gateway strips it, checks the
// apikey and forwards here. Users live in auth.users; the other tables are in schema.sql.

export interface AuthEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface AuthServiceOptions {
  port: number; // 0 = pick a free port
  databaseUrl: string; // superuser connection string of the local Postgres
  signingKey: SigningKey; // ES256 key (its public half is the JWKS PostgREST trusts), or HS256 in legacy mode
  siteUrl: string; // default redirect target (the app URL), e.g. http://localhost:3000
  // Where clients reach this service (GoTrue's API_EXTERNAL_URL): every emailed link is built on it,
  // never on request headers, which an attacker chooses.
  externalUrl: string; // e.g. http://127.0.0.1:54321/auth/v1
  accessTokenTtlSeconds?: number; // default 3600
  refreshTokenReuseIntervalSeconds?: number; // [auth] refresh_token_reuse_interval; default 10, as Supabase's
  sendEmail: (email: AuthEmail) => Promise<void>; // the stack wires this to the local mailbox
  // The rest is config.toml's (see ../config.ts; the stack passes it). A service started on its own
  // (tests) gets Supabase Auth's defaults, and config.toml's email templates.
  redirectAllowList?: string[]; // [auth] additional_redirect_urls. Default none.
  enableSignup?: boolean; // [auth] enable_signup. Default on.
  enableEmailSignup?: boolean; // [auth.email] enable_signup. Default on.
  // [auth.email] enable_confirmations of config.toml: sign-ups wait for the emailed link. Default off.
  enableConfirmations?: boolean;
  phoneAutoconfirm?: boolean; // not [auth.sms] enable_confirmations, for /settings. Default on.
  externalProviders?: Record<string, boolean>; // [auth.external.<name>] enabled, for /settings.
  emailTemplates?: Record<EmailTemplateName, EmailTemplate>; // [auth.email.template.*]. Default config.toml's.
  securePasswordChange?: boolean; // [auth.email] secure_password_change. Default off, as Supabase's.
  doubleConfirmChanges?: boolean; // [auth.email] double_confirm_changes. Default on, as Supabase's.
  rateLimits?: RateLimits; // [auth.rate_limit]. Default none (the test suite makes every request from one address).
  now?: () => Date; // for tests (optional)
}

type Route = [method: string, path: string | RegExp, handler: api.Handler, limit?: RequestLimit];

const USER_PATH = /^\/admin\/users\/([^/]+)$/;

const ROUTES: Route[] = [
  ["GET", "/health", api.health],
  ["GET", "/settings", api.settings],
  ["GET", "/.well-known/jwks.json", api.jwks],
  ["POST", "/signup", api.signup, "sign_in_sign_ups"],
  ["POST", "/token", api.token, "token_refresh"], // every grant, the password one too, as in GoTrue
  ["POST", "/otp", links.otp, "sign_in_sign_ups"],
  ["GET", "/verify", links.verifyGet, "token_verifications"],
  ["POST", "/verify", links.verifyPost, "token_verifications"],
  ["GET", "/user", api.getUser],
  ["PUT", "/user", api.updateUser, "sign_in_sign_ups"],
  ["GET", "/reauthenticate", api.reauthenticate],
  ["POST", "/logout", api.logout],
  ["POST", "/recover", links.recover, "sign_in_sign_ups"],
  ["GET", "/admin/users", adminApi.listUsersHandler],
  ["POST", "/admin/users", adminApi.createUser],
  ["GET", USER_PATH, adminApi.getUserHandler],
  ["PUT", USER_PATH, adminApi.updateUser],
  ["DELETE", USER_PATH, adminApi.deleteUser],
  ["POST", "/admin/generate_link", adminApi.generateLink],
  ["POST", "/invite", adminApi.invite],
];

function match(
  method: string,
  path: string
): { handler: api.Handler; params: string[]; limit?: RequestLimit } | ApiError {
  let pathMatched = false;
  for (const [routeMethod, pattern, handler, limit] of ROUTES) {
    const params = typeof pattern === "string" ? (pattern === path ? [] : null) : pattern.exec(path)?.slice(1);
    if (!params) continue;
    pathMatched = true;
    if (routeMethod === method) return { handler, params, limit };
  }
  return pathMatched ? new ApiError(405, "unknown", "Method Not Allowed") : new ApiError(404, "unknown", "Not Found");
}

async function applySchema(pool: pg.Pool) {
  const sql = await readFile(new URL("./schema.sql", import.meta.url), "utf8");
  const client = await pool.connect();
  try {
    const version = createHash("sha256").update(sql).digest("hex");
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock(727002)"); // two services starting on one database
    // Re-running DDL on tables that are in use can deadlock with live queries (a second service
    // started beside a busy one): apply only when schema.sql changed, as GoTrue tracks its migrations.
    const { rows } = await client.query("select to_regclass('auth.local_schema_version') is not null as tracked");
    const current =
      rows[0].tracked &&
      (await client.query("select 1 from auth.local_schema_version where version = $1", [version])).rowCount === 1;
    if (!current) {
      await client.query(sql);
      await client.query("create table if not exists auth.local_schema_version (version text primary key)");
      await client.query("insert into auth.local_schema_version (version) values ($1) on conflict do nothing", [version]);
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

// The gateway in front sets X-Forwarded-For to the address it was reached from (replacing what a
// client sent), as Supabase's edge does; the first value is the client.
function clientAddress(req: http.IncomingMessage): string {
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || req.socket.remoteAddress || "unknown";
}

export async function startAuthService(opts: AuthServiceOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 5 });
  // An idle connection dropped by a stopping Postgres must not crash the process.
  pool.on("error", () => {});
  try {
    await applySchema(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const now = opts.now ?? (() => new Date());
  const service: api.Service = {
    pool,
    siteUrl: opts.siteUrl,
    enableConfirmations: opts.enableConfirmations ?? false,
    redirectAllowList: opts.redirectAllowList ?? [],
    enableSignup: opts.enableSignup ?? true,
    enableEmailSignup: opts.enableEmailSignup ?? true,
    phoneAutoconfirm: opts.phoneAutoconfirm ?? true,
    externalProviders: opts.externalProviders ?? {},
    mailer: createMailer(opts.emailTemplates ?? readProjectConfig().emailTemplates),
    securePasswordChange: opts.securePasswordChange ?? false,
    doubleConfirmChanges: opts.doubleConfirmChanges ?? true,
    sendEmail: opts.sendEmail,
    limits: opts.rateLimits ? createRateLimiter(opts.rateLimits, now) : unlimited,
    now,
    tokens: {
      signingKey: opts.signingKey,
      ttlSeconds: opts.accessTokenTtlSeconds ?? 3600,
      reuseIntervalSeconds: opts.refreshTokenReuseIntervalSeconds ?? 10,
      now,
    },
  };

  const server = http.createServer(async (req, res) => {
    const versioned = wantsVersionedErrors(req);
    try {
      const url = new URL(req.url ?? "/", "http://auth.local");
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
      const found = match(req.method ?? "GET", path);
      if (found instanceof ApiError) throw found;
      if (found.limit) service.limits.request(found.limit, path, clientAddress(req));
      const request: Req = {
        method: req.method ?? "GET",
        path,
        query: url.searchParams,
        headers: req.headers,
        params: found.params,
        authUrl: opts.externalUrl.replace(/\/+$/, ""),
        body: (o) => readBody(req, o?.optional),
        bearer: () => bearerToken(req),
      };
      send(res, await found.handler(service, request), versioned);
    } catch (error) {
      if (!res.headersSent) send(res, errorReply(error, versioned), versioned);
      else res.destroy();
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const { port } = server.address() as { port: number };

  return {
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end();
    },
  };
}
