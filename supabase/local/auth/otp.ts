import { createHash, randomInt, randomUUID } from "node:crypto";
import { ApiError, badRequest, forbidden, notFound, unprocessable } from "./http";
import { findUserById, type Db, type UserRow } from "./users";
import type { AuthMethod } from "./tokens";

// Emailed one-time tokens and PKCE flow state. As in Supabase Auth, an email carries a 6-digit code
// and its token hash, sha224(email + code); only the hash is stored (in auth.one_time_tokens, mirrored
// on the auth.users token column), prefixed `pkce_` when a PKCE client started the flow. The hash
// itself is what a `token_hash` link presents, so it is single-use and expires after an hour.

export const OTP_EXPIRY_SECONDS = 3600;
const FLOW_STATE_EXPIRY_SECONDS = 300;
const PKCE_PREFIX = "pkce_";

export type TokenType =
  | "confirmation_token"
  | "recovery_token"
  | "email_change_token_new"
  | "email_change_token_current"
  | "reauthentication_token";

/** The users columns Supabase Auth mirrors each token type on. */
const USER_COLUMNS: Record<TokenType, { token: string; sentAt: keyof UserRow & string }> = {
  confirmation_token: { token: "confirmation_token", sentAt: "confirmation_sent_at" },
  recovery_token: { token: "recovery_token", sentAt: "recovery_sent_at" },
  email_change_token_new: { token: "email_change_token_new", sentAt: "email_change_sent_at" },
  email_change_token_current: { token: "email_change_token_current", sentAt: "email_change_sent_at" },
  reauthentication_token: { token: "reauthentication_token", sentAt: "reauthentication_sent_at" },
};

export const tokenHash = (emailOrPhone: string, otp: string) =>
  createHash("sha224")
    .update(emailOrPhone + otp)
    .digest("hex");

export interface IssuedToken {
  otp: string;
  /** The value an email's token_hash link carries (with the pkce_ prefix for PKCE flows). */
  hashedToken: string;
}

/** Creates the user's token of this type, replacing any earlier one. Run inside a transaction. */
export async function issueOneTimeToken(
  db: Db,
  user: UserRow,
  type: TokenType,
  relatesTo: string,
  opts: { pkce: boolean; now: Date }
): Promise<IssuedToken> {
  const otp = randomInt(0, 1_000_000).toString().padStart(6, "0");
  const hashedToken = (opts.pkce ? PKCE_PREFIX : "") + tokenHash(relatesTo, otp);
  const { token, sentAt } = USER_COLUMNS[type];
  await db.query(`update auth.users set ${token} = $2, ${sentAt} = $3 where id = $1`, [user.id, hashedToken, opts.now]);
  await db.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [user.id, type]);
  await db.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6::timestamptz at time zone 'UTC', $6::timestamptz at time zone 'UTC')`,
    [randomUUID(), user.id, type, hashedToken, relatesTo.toLowerCase(), opts.now]
  );
  return { otp, hashedToken };
}

/** Which stored tokens each verification type accepts. */
export const VERIFY_TYPES: Record<string, TokenType[]> = {
  signup: ["confirmation_token"],
  invite: ["confirmation_token"],
  magiclink: ["recovery_token"],
  recovery: ["recovery_token"],
  email: ["confirmation_token", "recovery_token"],
  // With double_confirm_changes, a token for the current address and one for the new address.
  email_change: ["email_change_token_new", "email_change_token_current"],
};

export interface VerifiedToken {
  user: UserRow;
  /** The verification type resolved (`email` becomes `signup` or `magiclink`). */
  type: string;
  pkce: boolean;
  /** Which stored token matched (for an email change: the current or the new address's). */
  tokenType: TokenType;
}

/**
 * Finds the unexpired token matching a token hash (a link) or the hash of email + code (a typed
 * code), locking it so it is used once. Run inside a transaction.
 */
export async function findOneTimeToken(
  db: Db,
  type: string,
  candidates: string[],
  now: Date,
  invalidMessage: string
): Promise<VerifiedToken> {
  const types = VERIFY_TYPES[type];
  if (!types) throw badRequest("validation_failed", "Unsupported verification type");
  const { rows } = await db.query<{ user_id: string; token_type: TokenType; token_hash: string }>(
    `select user_id, token_type, token_hash from auth.one_time_tokens
      where token_hash = any($1) and token_type = any($2::auth.one_time_token_type[])
      limit 1 for update`,
    [candidates, types]
  );
  const found = rows[0];
  const user = found && (await findUserById(db, found.user_id));
  if (!found || !user) throw forbidden("otp_expired", invalidMessage);
  const sentAt = user[USER_COLUMNS[found.token_type].sentAt] as Date | null;
  if (!sentAt || now.getTime() > sentAt.getTime() + OTP_EXPIRY_SECONDS * 1000) {
    throw forbidden("otp_expired", invalidMessage);
  }
  const resolved = type !== "email" ? type : found.token_type === "recovery_token" ? "magiclink" : "signup";
  return { user, type: resolved, pkce: found.token_hash.startsWith(PKCE_PREFIX), tokenType: found.token_type };
}

/** Token hashes that a typed 6-digit code for this address may have been stored as. */
export function codeCandidates(email: string, otp: string): string[] {
  const hash = tokenHash(email, otp);
  return [hash, PKCE_PREFIX + hash];
}

export async function clearOneTimeTokens(db: Db, userId: string) {
  await db.query(`delete from auth.one_time_tokens where user_id = $1`, [userId]);
}

/** Uses up one token of a user: its one-time token row and the users column mirroring it. */
export async function clearOneTimeToken(db: Db, userId: string, type: TokenType) {
  const { token, sentAt } = USER_COLUMNS[type];
  const clearSentAt = type === "reauthentication_token" ? `, ${sentAt} = null` : "";
  await db.query(`update auth.users set ${token} = ''${clearSentAt} where id = $1`, [userId]);
  await db.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [userId, type]);
}

/**
 * The nonce a password change presents when the session's sign-in is old (secure_password_change):
 * the code of the user's latest reauthentication email, unexpired, used once.
 */
export async function useReauthenticationNonce(db: Db, user: UserRow, nonce: string, now: Date) {
  const sentAt = user.reauthentication_sent_at;
  const valid =
    Boolean(user.reauthentication_token) &&
    sentAt !== null &&
    now.getTime() <= sentAt.getTime() + OTP_EXPIRY_SECONDS * 1000 &&
    user.reauthentication_token === tokenHash(user.email ?? "", nonce);
  if (!valid) throw unprocessable("reauthentication_not_valid", "Nonce has expired or is invalid");
  await clearOneTimeToken(db, user.id, "reauthentication_token");
}

const CODE_CHALLENGE = /^[a-zA-Z._~0-9-]{43,128}$/;

/** Supabase Auth's checks of PKCE parameters; true when a PKCE flow was asked for. */
export function validatePkceParams(challenge: string, method: string): boolean {
  if (!challenge && !method) return false;
  if (!challenge || !method) {
    throw badRequest("validation_failed", "PKCE flow requires code_challenge_method and code_challenge");
  }
  if (challenge.length < 43 || challenge.length > 128) {
    throw badRequest("validation_failed", "code challenge has to be between 43 and 128 characters");
  }
  if (!CODE_CHALLENGE.test(challenge)) {
    throw badRequest(
      "validation_failed",
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes"
    );
  }
  if (!["s256", "plain"].includes(method.toLowerCase())) {
    throw badRequest("validation_failed", `unsupported code_challenge method "${method}"`);
  }
  return true;
}

export async function createFlowState(
  db: Db,
  f: { userId: string; method: AuthMethod; challenge: string; challengeMethod: string; now: Date }
) {
  await db.query(
    `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
       authentication_method, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $6, $7, $7)`,
    [randomUUID(), f.userId, randomUUID(), f.challengeMethod.toLowerCase(), f.challenge, f.method, f.now]
  );
}

/** The auth code a PKCE link redirects with: from the user's latest flow of that method. */
export async function issueAuthCode(db: Db, userId: string, method: AuthMethod, now: Date): Promise<string> {
  const { rows } = await db.query<{ auth_code: string }>(
    `update auth.flow_state set auth_code_issued_at = $3, updated_at = $3
      where id = (select id from auth.flow_state where user_id = $1 and authentication_method = $2
                   and auth_code is not null order by created_at desc limit 1)
      returning auth_code`,
    [userId, method, now]
  );
  if (!rows[0]) throw unprocessable("flow_state_not_found", "No valid flow state found for user.");
  return rows[0].auth_code;
}

/** The pkce grant: checks the verifier against the stored challenge and consumes the flow state. */
export async function consumeFlowState(db: Db, authCode: string, verifier: string, now: Date) {
  const { rows } = await db.query<{
    id: string;
    user_id: string | null;
    code_challenge: string;
    code_challenge_method: string;
    authentication_method: AuthMethod;
    created_at: Date;
    auth_code_issued_at: Date | null;
  }>(`select * from auth.flow_state where auth_code = $1 for update`, [authCode]);
  const flow = rows[0];
  if (!flow?.user_id) throw notFound("flow_state_not_found", "invalid flow state, no valid flow state found");
  const start =
    flow.authentication_method === "magiclink" && flow.auth_code_issued_at ? flow.auth_code_issued_at : flow.created_at;
  if (now.getTime() > start.getTime() + FLOW_STATE_EXPIRY_SECONDS * 1000) {
    throw unprocessable("flow_state_expired", "invalid flow state, flow state has expired");
  }
  const expected =
    flow.code_challenge_method === "s256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  if (expected !== flow.code_challenge) {
    throw new ApiError(400, "bad_code_verifier", "code challenge does not match previously saved code verifier");
  }
  await db.query(`delete from auth.flow_state where id = $1`, [flow.id]);
  return { userId: flow.user_id, method: flow.authentication_method };
}
