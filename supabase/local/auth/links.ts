import { buildEmail } from "./emails";
import { deliver, ok, type Handler, type Service } from "./handlers";
import { ApiError, badRequest, forbidden, redirectTarget, unprocessable } from "./http";
import {
  clearOneTimeToken,
  clearOneTimeTokens,
  codeCandidates,
  createFlowState,
  findOneTimeToken,
  issueAuthCode,
  issueOneTimeToken,
  validatePkceParams,
  type VerifiedToken,
} from "./otp";
import { issueSession, type AuthMethod } from "./tokens";
import {
  confirmEmail,
  findUserByEmail,
  findUserById,
  insertUser,
  isBanned,
  transaction,
  validateEmail,
  type Db,
  type UserRow,
} from "./users";

// Emailed links and codes: magic links (POST /otp), password recovery (POST /recover) and their
// verification (POST /verify from the app, GET /verify from Supabase's own email link).

/** POST /otp: emails a magic link (and code), creating the user unless create_user is false. */
export const otp: Handler = async (s, r) => {
  const body = await r.body();
  const [email, phone] = [body.string("email"), body.string("phone")];
  const createUser = body.boolean("create_user", true);
  const data = body.object("data") ?? {};
  if (email && phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided");
  if (email && body.string("channel"))
    throw badRequest("validation_failed", "Channel should only be specified with Phone OTP");
  const [challenge, challengeMethod] = [body.string("code_challenge"), body.string("code_challenge_method")];
  const pkce = validatePkceParams(challenge, challengeMethod);
  const address = email ? validateEmail(email) : "";
  if (phone) {
    if (!createUser) throw unprocessable("otp_disabled", "Signups not allowed for otp");
    throw badRequest("phone_provider_disabled", "Unsupported phone provider");
  }
  if (!address) throw badRequest("validation_failed", "One of email or phone must be set");
  const redirectTo = redirectTarget(r.query.get("redirect_to"), s.siteUrl, s.redirectAllowList);

  const message = await transaction(s.pool, async (db) => {
    const now = s.now();
    let user = await findUserByEmail(db, address);
    if (!user) {
      if (!createUser) throw unprocessable("otp_disabled", "Signups not allowed for otp");
      const id = await insertUser(db, {
        email: address,
        passwordHash: "",
        userMetadata: data,
        identityData: data,
        confirmedAt: now,
        now,
      });
      user = (await findUserById(db, id))!;
    }
    if (pkce) await createFlowState(db, { userId: user.id, method: "magiclink", challenge, challengeMethod, now });
    s.limits.email();
    const issued = await issueOneTimeToken(db, user, "recovery_token", address, { pkce, now });
    return buildEmail(s.mailer, { to: address, kind: "magiclink", redirectTo, ...issued, authUrl: r.authUrl, siteUrl: s.siteUrl, user });
  });
  await deliver(s, message, "Error sending magic link email");
  return ok({});
};

/** POST /recover: emails a password-recovery link, answering the same whether or not the user exists. */
export const recover: Handler = async (s, r) => {
  const body = await r.body();
  const email = body.string("email");
  if (!email) throw badRequest("validation_failed", "Password recovery requires an email");
  const address = validateEmail(email);
  const [challenge, challengeMethod] = [body.string("code_challenge"), body.string("code_challenge_method")];
  const pkce = validatePkceParams(challenge, challengeMethod);
  const redirectTo = redirectTarget(r.query.get("redirect_to"), s.siteUrl, s.redirectAllowList);

  const message = await transaction(s.pool, async (db) => {
    const now = s.now();
    const user = await findUserByEmail(db, address);
    if (!user) return null;
    if (pkce) await createFlowState(db, { userId: user.id, method: "recovery", challenge, challengeMethod, now });
    s.limits.email();
    const issued = await issueOneTimeToken(db, user, "recovery_token", address, { pkce, now });
    return buildEmail(s.mailer, { to: address, kind: "recovery", redirectTo, ...issued, authUrl: r.authUrl, siteUrl: s.siteUrl, user });
  });
  if (message) await deliver(s, message, "Error sending recovery email");
  return ok({});
};

// Supabase Auth's answer when the first of an email change's two links is opened.
const SINGLE_CONFIRMATION = "Confirmation link accepted. Please proceed to confirm link sent to the other email";

/**
 * Applies a verified token to its user (confirm, recover, change email) and uses it up. With
 * double_confirm_changes the first of an email change's two tokens only records that one address
 * confirmed (null: no session yet); the second one changes the address.
 */
async function applyVerification(s: Service, db: Db, verified: VerifiedToken, now: Date): Promise<UserRow | null> {
  const { user, type } = verified;
  if (isBanned(user, now)) throw forbidden("user_banned", "User is banned");
  if (type === "email_change") {
    if (s.doubleConfirmChanges && user.email && !user.email_change_confirm_status) {
      await clearOneTimeToken(db, user.id, verified.tokenType);
      await db.query(`update auth.users set email_change_confirm_status = 1, updated_at = $2 where id = $1`, [user.id, now]);
      return null;
    }
    await db.query(
      `update auth.users set email = email_change, email_change = '', email_change_token_new = '',
         email_change_token_current = '', email_change_confirm_status = 0, updated_at = $2
       where id = $1`,
      [user.id, now]
    );
    await db.query(
      `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text), updated_at = $3
       where user_id = $1 and provider = 'email'`,
      [user.id, user.email_change, now]
    );
  }
  if (type === "magiclink" || type === "recovery") {
    await db.query(`update auth.users set recovery_token = '' where id = $1`, [user.id]);
  }
  await confirmEmail(db, user, now);
  await clearOneTimeTokens(db, user.id);
  return (await findUserById(db, user.id))!;
}

/** POST /verify: a token hash from a link, or an email and its 6-digit code, for a session. */
export const verifyPost: Handler = async (s, r) => {
  const body = await r.body();
  const type = body.string("type");
  const [code, tokenHash, email, phone] = ["token", "token_hash", "email", "phone"].map((k) => body.string(k));
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if (!code === !tokenHash) throw badRequest("validation_failed", "Verify requires either a token or a token hash");

  let candidates: string[];
  let invalid: string;
  if (code) {
    if (!email || phone) {
      throw badRequest("validation_failed", "Only an email address or phone number should be provided on verify");
    }
    let address: string;
    try {
      address = validateEmail(email);
    } catch {
      throw unprocessable("validation_failed", "Invalid email format");
    }
    candidates = codeCandidates(address, code);
    invalid = "Token has expired or is invalid";
  } else {
    if (email || phone || body.string("redirect_to")) {
      throw badRequest("validation_failed", "Only the token_hash and type should be provided");
    }
    candidates = [tokenHash];
    invalid = "Email link is invalid or has expired";
  }

  return transaction(s.pool, async (db) => {
    const now = s.now();
    const user = await applyVerification(s, db, await findOneTimeToken(db, type, candidates, now, invalid), now);
    if (!user) return ok({ msg: SINGLE_CONFIRMATION, code: "200" });
    return ok(await issueSession(db, s.tokens, user, "otp", r.authUrl));
  });
};

const PKCE_METHOD: Record<string, AuthMethod> = {
  magiclink: "magiclink",
  recovery: "recovery",
  signup: "email/signup",
  invite: "invite",
  email_change: "email_change",
};

const OAUTH_ERROR: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized_client",
  403: "access_denied",
  500: "server_error",
  503: "temporarily_unavailable",
};

function messageRedirect(target: string, message: string, pkce: boolean): string {
  const url = new URL(target);
  if (pkce) url.searchParams.set("message", message);
  url.hash = new URLSearchParams({ message, sb: "" }).toString();
  return url.toString();
}

function errorRedirect(target: string, error: ApiError, pkce: boolean): string {
  const url = new URL(target);
  const params = new URLSearchParams();
  if (OAUTH_ERROR[error.status]) params.set("error", OAUTH_ERROR[error.status]);
  params.set("error_code", error.code);
  params.set("error_description", error.message);
  if (pkce) for (const [key, value] of params) url.searchParams.set(key, value);
  params.set("sb", "");
  url.hash = params.toString();
  return url.toString();
}

/**
 * GET /verify: the link in Supabase's own email template. Redirects to redirect_to with the session
 * in the fragment, or with ?code= for a PKCE flow, or with the error in the fragment.
 */
export const verifyGet: Handler = async (s, r) => {
  const token = r.query.get("token") ?? "";
  const type = r.query.get("type") ?? "";
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if (!token) throw badRequest("validation_failed", "Verify requires a token or a token hash");
  const referer = typeof r.headers.referer === "string" ? r.headers.referer : undefined;
  const redirectTo = redirectTarget(r.query.get("redirect_to") ?? referer, s.siteUrl, s.redirectAllowList);
  const pkce = token.startsWith("pkce_");

  try {
    return await transaction(s.pool, async (db) => {
      const now = s.now();
      const verified = await findOneTimeToken(db, type, [token], now, "Email link is invalid or has expired");
      const user = await applyVerification(s, db, verified, now);
      if (!user) return { redirect: messageRedirect(redirectTo, SINGLE_CONFIRMATION, pkce) };
      if (pkce) {
        const url = new URL(redirectTo);
        url.searchParams.set("code", await issueAuthCode(db, user.id, PKCE_METHOD[verified.type], now));
        return { redirect: url.toString() };
      }
      const session = await issueSession(db, s.tokens, user, "otp", r.authUrl);
      const fragment = new URLSearchParams({
        access_token: session.access_token,
        expires_at: String(session.expires_at),
        expires_in: String(session.expires_in),
        refresh_token: session.refresh_token,
        sb: "",
        token_type: session.token_type,
        type: verified.type,
      });
      return { redirect: `${redirectTo}#${fragment}` };
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { redirect: errorRedirect(redirectTo, error, pkce) };
  }
};
