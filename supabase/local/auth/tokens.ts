import { randomBytes, randomUUID } from "node:crypto";
import { errors as joseErrors, type JWTPayload } from "jose";
import type pg from "pg";
import { signJwt, verifyProjectJwt, type SigningKey } from "../keys";
import { ApiError, badRequest, forbidden, OAuthError } from "./http";
import { findUserById, INSTANCE_ID, isBanned, passwordWeakness, userJson, type Db, type UserRow } from "./users";

// Sessions, refresh tokens and access tokens (JWTs with the claims Supabase Auth issues, signed ES256
// with the project's key and its kid, or HS256 in legacy mode).
// Refresh tokens rotate on every use. As in Supabase Auth, presenting the token just rotated away
// (the parent of the session's active one) returns the active one again: the client lost the last
// response. Another revoked token is accepted within the reuse interval after it was rotated away
// (two tabs refreshing at once) and also gets the session's active token; after the interval it is
// refused and revokes the session's remaining tokens.

export interface TokenConfig {
  signingKey: SigningKey;
  ttlSeconds: number;
  reuseIntervalSeconds: number;
  now: () => Date;
}

/** Supabase Auth's names for how a session was started (the `amr` claim). */
export type AuthMethod = "password" | "otp" | "magiclink" | "recovery" | "invite" | "email/signup" | "email_change";

interface AmrEntry {
  method: string;
  timestamp: number;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

async function signAccessToken(cfg: TokenConfig, user: UserRow, sessionId: string, amr: AmrEntry[], issuer: string) {
  const issuedAt = seconds(cfg.now());
  const expiresAt = issuedAt + cfg.ttlSeconds;
  const token = await signJwt(cfg.signingKey, {
    aud: user.aud,
    exp: expiresAt,
    iat: issuedAt,
    iss: issuer,
    sub: user.id,
    email: user.email ?? "",
    phone: user.phone ?? "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role,
    aal: "aal1",
    amr,
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  });
  return { token, expiresAt };
}

async function tokenResponse(
  cfg: TokenConfig,
  user: UserRow,
  sessionId: string,
  amr: AmrEntry[],
  refreshToken: string,
  issuer: string
) {
  const { token, expiresAt } = await signAccessToken(cfg, user, sessionId, amr, issuer);
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: expiresAt - seconds(cfg.now()),
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

// Supabase Auth's refresh tokens: 12 characters of lowercase base32 (see isWellFormedRefreshToken).
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const newRefreshToken = () => Array.from(randomBytes(12), (byte) => BASE32[byte & 31]).join("");

async function insertRefreshToken(db: Db, userId: string, sessionId: string, parent: string | null, now: Date) {
  const token = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, $3, false, $4, $4, $5, $6)`,
    [INSTANCE_ID, token, userId, now, parent, sessionId]
  );
  return token;
}

/** Starts a session for the user and returns the token response. Run inside a transaction. */
export async function issueSession(db: Db, cfg: TokenConfig, user: UserRow, method: AuthMethod, issuer: string) {
  const now = cfg.now();
  const sessionId = randomUUID();
  await db.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, $3, $3, 'aal1')`,
    [sessionId, user.id, now]
  );
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values ($1, $2, $3, $3, $4)`,
    [randomUUID(), sessionId, now, method]
  );
  const refreshToken = await insertRefreshToken(db, user.id, sessionId, null, now);
  await db.query(`update auth.users set last_sign_in_at = $2 where id = $1`, [user.id, now]);
  const signedIn = { ...user, last_sign_in_at: now };
  return tokenResponse(cfg, signedIn, sessionId, [{ method, timestamp: seconds(now) }], refreshToken, issuer);
}

/** The password grant's response: a weak (but correct) password is reported, not refused. */
export async function issuePasswordSession(db: Db, cfg: TokenConfig, user: UserRow, password: string, issuer: string) {
  const response = await issueSession(db, cfg, user, "password", issuer);
  const weakness = passwordWeakness(password);
  return weakness ? { ...response, weak_password: weakness } : response;
}

async function sessionAmr(db: Db, sessionId: string): Promise<AmrEntry[]> {
  const { rows } = await db.query<{ authentication_method: string; updated_at: Date }>(
    `select authentication_method, updated_at from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId]
  );
  return rows.map((r) => ({ method: r.authentication_method, timestamp: seconds(r.updated_at) }));
}

/** The refresh_token grant. */
export async function refreshSession(pool: pg.Pool, cfg: TokenConfig, refreshToken: string, issuer: string) {
  if (!refreshToken) throw new OAuthError("invalid_request", "refresh_token required");
  const now = cfg.now();
  const db = await pool.connect();
  let open = false;
  try {
    await db.query("begin");
    open = true;
    const { rows } = await db.query<{
      id: string;
      revoked: boolean;
      session_id: string | null;
      user_id: string;
      updated_at: Date;
    }>(`select id, revoked, session_id, user_id, updated_at from auth.refresh_tokens where token = $1 for update`, [
      refreshToken,
    ]);
    const token = rows[0];
    if (!token) throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    const user = await findUserById(db, token.user_id);
    if (!user) throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    if (isBanned(user, now)) throw badRequest("user_banned", "Invalid Refresh Token: User Banned");
    if (!token.session_id) throw badRequest("session_not_found", "Invalid Refresh Token: No Valid Session Found");

    let next: string | undefined;
    if (token.revoked) {
      const active = await db.query<{ token: string; parent: string | null }>(
        `select token, parent from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1`,
        [token.session_id]
      );
      // updated_at of a revoked token is when it was rotated away.
      const reuseUntil = token.updated_at.getTime() + cfg.reuseIntervalSeconds * 1000;
      if (active.rows[0] && (active.rows[0].parent === refreshToken || now.getTime() <= reuseUntil)) {
        next = active.rows[0].token;
      } else if (!active.rows[0]) {
        throw badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
      } else {
        await db.query(
          `update auth.refresh_tokens set revoked = true, updated_at = $2 where session_id = $1 and not revoked`,
          [token.session_id, now]
        );
        await db.query("commit");
        open = false;
        throw badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
      }
    }
    if (!next) {
      await db.query(`update auth.refresh_tokens set revoked = true, updated_at = $2 where id = $1`, [token.id, now]);
      next = await insertRefreshToken(db, user.id, token.session_id, refreshToken, now);
    }
    await db.query(
      `update auth.sessions set refreshed_at = ($2::timestamptz at time zone 'UTC'), updated_at = $2 where id = $1`,
      [token.session_id, now]
    );
    const response = await tokenResponse(
      cfg,
      user,
      token.session_id,
      await sessionAmr(db, token.session_id),
      next,
      issuer
    );
    await db.query("commit");
    open = false;
    return response;
  } catch (error) {
    if (open) await db.query("rollback");
    throw error;
  } finally {
    db.release();
  }
}

/** Ends sessions (their refresh tokens go with them): all of the user's, this one, or all others. */
export async function endSessions(
  db: Db,
  userId: string,
  sessionId: string | null,
  scope: "global" | "local" | "others"
) {
  if (scope === "local" && sessionId) {
    await db.query(`delete from auth.sessions where id = $1`, [sessionId]);
  } else if (scope === "others" && sessionId) {
    await db.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [userId, sessionId]);
  } else {
    await db.query(`delete from auth.sessions where user_id = $1`, [userId]);
  }
}

/** Verifies a JWT signed with the project's key (a user's access token, or a role key the gateway sends). */
export async function verifyJwt(cfg: TokenConfig, token: string): Promise<JWTPayload> {
  try {
    return await verifyProjectJwt(cfg.signingKey, token, { currentDate: cfg.now() });
  } catch (error) {
    const reason =
      error instanceof joseErrors.JWTExpired
        ? "token has invalid claims: token is expired"
        : error instanceof joseErrors.JWSSignatureVerificationFailed ||
          error instanceof joseErrors.JWKSNoMatchingKey ||
          error instanceof joseErrors.JOSEAlgNotAllowed
        ? "token signature is invalid: signature is invalid"
        : "token is malformed";
    throw forbidden("bad_jwt", `invalid JWT: unable to parse or verify signature, ${reason}`);
  }
}

export interface Authenticated {
  claims: JWTPayload & { session_id?: string; role?: string };
  user: UserRow;
  sessionId: string | null;
}

/** What Supabase Auth requires of a user's Bearer token: valid, its user and session still there. */
export async function authenticate(db: Db, cfg: TokenConfig, bearer: string | null): Promise<Authenticated> {
  if (!bearer) throw new ApiError(401, "no_authorization", "This endpoint requires a valid Bearer token");
  const claims = (await verifyJwt(cfg, bearer)) as Authenticated["claims"];
  if (!claims.sub) throw forbidden("bad_jwt", "invalid claim: missing sub claim");
  if (!UUID.test(claims.sub)) throw badRequest("bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = await findUserById(db, claims.sub);
  if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
  const sessionId = claims.session_id && claims.session_id !== INSTANCE_ID ? claims.session_id : null;
  if (sessionId) {
    if (!UUID.test(sessionId)) throw forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID");
    const { rowCount } = await db.query(`select 1 from auth.sessions where id = $1`, [sessionId]);
    if (!rowCount) throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
  }
  if (isBanned(user, cfg.now())) throw forbidden("user_banned", "User is banned");
  return { claims, user, sessionId };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ADMIN_ROLES = new Set(["service_role", "supabase_admin"]);

/** The admin API's check: a valid JWT whose role is an admin role (the service-role key). */
export async function requireAdmin(cfg: TokenConfig, bearer: string | null) {
  if (!bearer) throw new ApiError(401, "no_authorization", "This endpoint requires a valid Bearer token");
  const claims = await verifyJwt(cfg, bearer);
  if (typeof claims.role !== "string" || !ADMIN_ROLES.has(claims.role))
    throw forbidden("not_admin", "User not allowed");
}
