import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import { publicJwks } from "../keys";
import { buildEmail, buildReauthenticationEmail, type Mailer } from "./emails";
import type { RateLimiter } from "./rate-limit";
import { ApiError, badRequest, forbidden, notFound, redirectTarget, unprocessable, type Reply, type Req } from "./http";
import {
  clearOneTimeTokens,
  consumeFlowState,
  createFlowState,
  issueOneTimeToken,
  useReauthenticationNonce,
  validatePkceParams,
} from "./otp";
import type { AuthEmail } from "./server";
import {
  authenticate,
  endSessions,
  issuePasswordSession,
  issueSession,
  refreshSession,
  type TokenConfig,
} from "./tokens";
import {
  checkPasswordStrength,
  findUserByEmail,
  findUserById,
  hashPassword,
  insertUser,
  isBanned,
  mergeMetadata,
  passwordMatches,
  transaction,
  userJson,
  validateEmail,
  type Db,
  type UserRow,
} from "./users";

// The public endpoints of the Supabase Auth API that the app uses (paths without /auth/v1), except
// the emailed-link flows, which are in links.ts.

export interface Service {
  pool: pg.Pool;
  tokens: TokenConfig;
  /** [auth] site_url: {{ .SiteURL }} of the emails, and where a redirect_to not allowed goes. */
  siteUrl: string;
  /** [auth] additional_redirect_urls: Supabase Auth's allow list of redirect_to patterns. */
  redirectAllowList: string[];
  /** [auth] enable_signup and [auth.email] enable_signup. */
  enableSignup: boolean;
  enableEmailSignup: boolean;
  /** [auth.email] enable_confirmations: sign-ups get no session until the emailed link is opened. */
  enableConfirmations: boolean;
  /** [auth.sms] enable_confirmations, and which [auth.external.*] providers are enabled: for /settings. */
  phoneAutoconfirm: boolean;
  externalProviders: Record<string, boolean>;
  /** Renders config.toml's email templates. */
  mailer: Mailer;
  /** [auth.email] secure_password_change: a password change needs a recent sign-in or an emailed code. */
  securePasswordChange: boolean;
  /** [auth.email] double_confirm_changes: an email change is confirmed from both addresses. */
  doubleConfirmChanges: boolean;
  sendEmail: (email: AuthEmail) => Promise<void>;
  /** Every email is counted against [auth.rate_limit] email_sent inside its transaction, as GoTrue does. */
  limits: RateLimiter;
  now: () => Date;
}

export type Handler = (s: Service, r: Req) => Promise<Reply>;

export const ok = (body: unknown): Reply => ({ status: 200, body });

export async function deliver(s: Service, email: AuthEmail, failure: string) {
  try {
    await s.sendEmail(email);
  } catch (error) {
    console.error("[local auth] sendEmail failed:", error);
    throw new ApiError(500, "unexpected_failure", failure);
  }
}

export const health: Handler = async () =>
  ok({ version: "local", name: "GoTrue", description: "GoTrue is a user registration and authentication API" });

/** The project's public signing keys; empty in legacy mode, as GoTrue never publishes a symmetric secret. */
export const jwks: Handler = async (s) => ({
  status: 200,
  body: publicJwks(s.tokens.signingKey),
  headers: { "cache-control": "public, max-age=600" },
});

// The providers Supabase Auth lists in /settings, each false unless config.toml enables it.
const OAUTH_PROVIDERS = [
  "apple", "azure", "bitbucket", "discord", "facebook", "snapchat", "figma", "fly", "github", "gitlab", "google",
  "keycloak", "kakao", "linkedin", "linkedin_oidc", "notion", "spotify", "slack", "slack_oidc", "workos", "twitch",
  "twitter", "zoom",
];

/** GET /settings: what Supabase Auth says of its configuration, here config.toml's. */
export const settings: Handler = async (s) =>
  ok({
    external: {
      anonymous_users: false,
      ...Object.fromEntries(OAUTH_PROVIDERS.map((name) => [name, s.externalProviders[name] ?? false])),
      email: s.enableEmailSignup,
      phone: false,
    },
    disable_signup: !s.enableSignup,
    mailer_autoconfirm: !s.enableConfirmations,
    phone_autoconfirm: s.phoneAutoconfirm,
    sms_provider: "",
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  });

export const signup: Handler = async (s, r) => {
  const body = await r.body();
  const [email, phone, password] = [body.string("email"), body.string("phone"), body.string("password")];
  const data = body.object("data") ?? {};
  if (!email && !phone) throw unprocessable("anonymous_provider_disabled", "Anonymous sign-ins are disabled");
  if (!password) throw badRequest("validation_failed", "Signup requires a valid password");
  checkPasswordStrength(password);
  if (email && phone) {
    throw badRequest("validation_failed", "Only an email address or phone number should be provided on signup.");
  }
  const [challenge, challengeMethod] = [body.string("code_challenge"), body.string("code_challenge_method")];
  const pkce = validatePkceParams(challenge, challengeMethod);
  if (!s.enableSignup) throw unprocessable("signup_disabled", "Signups not allowed for this instance");
  if (phone) throw badRequest("phone_provider_disabled", "Phone signups are disabled");
  if (!s.enableEmailSignup) throw badRequest("email_provider_disabled", "Email signups are disabled");
  const address = validateEmail(email);
  const passwordHash = await hashPassword(password);
  const redirectTo = redirectTarget(r.query.get("redirect_to"), s.siteUrl, s.redirectAllowList);

  const outcome = await transaction(s.pool, async (db) => {
    const alreadyRegistered = unprocessable("user_already_exists", "User already registered");
    const now = s.now();
    const existing = await findUserByEmail(db, address);
    if (existing && !s.enableConfirmations) throw alreadyRegistered;
    // With confirmations on, GoTrue answers an address that has an account as it answers a new one (a
    // user and no session), so sign-up does not tell who has an account: a confirmed account gets an
    // obfuscated copy and no email; an unconfirmed one gets its confirmation link again.
    if (existing?.email_confirmed_at) return { reply: ok(obfuscatedUser(existing, data, now)), email: null };
    const id =
      existing?.id ??
      (await insertUser(db, {
        email: address,
        passwordHash,
        userMetadata: data,
        identityData: data,
        confirmedAt: s.enableConfirmations ? null : now,
        now,
      }).catch((error) => {
        throw error instanceof ApiError && error.code === "email_exists" ? alreadyRegistered : error;
      }));
    const user = (await findUserById(db, id))!;
    if (!s.enableConfirmations) return { reply: ok(await issueSession(db, s.tokens, user, "password", r.authUrl)), email: null };

    if (pkce) await createFlowState(db, { userId: user.id, method: "email/signup", challenge, challengeMethod, now });
    s.limits.email();
    const issued = await issueOneTimeToken(db, user, "confirmation_token", address, { pkce, now });
    const message = buildEmail(s.mailer, {
      to: address,
      kind: "signup",
      redirectTo,
      ...issued,
      authUrl: r.authUrl,
      siteUrl: s.siteUrl,
      user,
    });
    return { reply: ok(userJson((await findUserById(db, id))!)), email: message };
  });
  if (outcome.email) await deliver(s, outcome.email, "Error sending confirmation email");
  return outcome.reply;
};

/** GoTrue's sanitizeUser: what sign-up answers for an address that already has a confirmed account. */
function obfuscatedUser(user: UserRow, data: Record<string, unknown>, now: Date) {
  const at = now.toISOString();
  return {
    ...userJson(user),
    id: randomUUID(),
    role: "",
    email_confirmed_at: undefined,
    confirmed_at: undefined,
    last_sign_in_at: undefined,
    phone: "",
    confirmation_sent_at: at,
    created_at: at,
    updated_at: at,
    new_email: undefined,
    email_change_sent_at: undefined,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: data,
    identities: [],
  };
}

export const token: Handler = async (s, r) => {
  switch (r.query.get("grant_type")) {
    case "password":
      return passwordGrant(s, r);
    case "refresh_token": {
      const body = await r.body();
      const refreshToken = body.string("refresh_token");
      if (!isWellFormedRefreshToken(refreshToken)) throw badRequest("validation_failed", "Refresh token is not valid");
      return ok(await refreshSession(s.pool, s.tokens, refreshToken, r.authUrl));
    }
    case "pkce":
      return pkceGrant(s, r);
    default:
      throw badRequest("invalid_credentials", "unsupported_grant_type");
  }
};

const LEGACY_REFRESH_TOKEN = /^[a-z0-9]{12}$/;
// Supabase Auth's signed refresh tokens: version byte 0, a 16-byte session id, a uvarint counter, a
// 16-byte signature and a 4-byte sha256 checksum of the rest, base64url without padding.
const SIGNED_REFRESH_TOKEN = { min: 1 + 16 + 1 + 16 + 4, max: 1 + 16 + 1 + 16 + 4 + 8, checksum: 4, signature: 16 };

/**
 * Supabase Auth's check before any lookup: a refresh token is either its 12-character kind (the one
 * this service issues) or a signed one; anything else is `validation_failed`, not "not found".
 */
export function isWellFormedRefreshToken(token: string): boolean {
  if (token.length < 12) return false;
  if (token.length === 12) return LEGACY_REFRESH_TOKEN.test(token);
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length % 4 === 1) return false;
  const bytes = Buffer.from(token, "base64url");
  const { min, max, checksum, signature } = SIGNED_REFRESH_TOKEN;
  if (bytes.length < min || bytes.length > max || bytes[0] !== 0) return false;
  const body = bytes.subarray(0, bytes.length - checksum);
  if (!createHash("sha256").update(body).digest().subarray(0, checksum).equals(bytes.subarray(body.length))) {
    return false;
  }
  let counterLength = 0;
  while (counterLength < 10 && 17 + counterLength < body.length && body[17 + counterLength] & 0x80) counterLength++;
  counterLength++;
  return body.length - 17 - counterLength === signature;
}

async function passwordGrant(s: Service, r: Req): Promise<Reply> {
  const body = await r.body();
  const [email, phone, password] = [body.string("email"), body.string("phone"), body.string("password")];
  if (email && phone) {
    throw badRequest("validation_failed", "Only an email address or phone number should be provided on login.");
  }
  if (phone) throw unprocessable("phone_provider_disabled", "Phone logins are disabled");
  if (!email) throw badRequest("validation_failed", "missing email or phone");

  const invalid = badRequest("invalid_credentials", "Invalid login credentials");
  const user = await findUserByEmail(s.pool, email);
  if (!user?.encrypted_password) throw invalid;
  if (isBanned(user, s.now())) throw badRequest("user_banned", "User is banned");
  if (!(await passwordMatches(user, password))) throw invalid;
  if (!user.email_confirmed_at) throw badRequest("email_not_confirmed", "Email not confirmed");
  return ok(await transaction(s.pool, (db) => issuePasswordSession(db, s.tokens, user, password, r.authUrl)));
}

async function pkceGrant(s: Service, r: Req): Promise<Reply> {
  const body = await r.body();
  const [authCode, verifier] = [body.string("auth_code"), body.string("code_verifier")];
  if (!authCode || !verifier) {
    throw badRequest("validation_failed", "invalid request: both auth code and code verifier should be non-empty");
  }
  return transaction(s.pool, async (db) => {
    const flow = await consumeFlowState(db, authCode, verifier, s.now());
    const user = await findUserById(db, flow.userId);
    if (!user) throw notFound("user_not_found", "User not found");
    return ok(await issueSession(db, s.tokens, user, flow.method, r.authUrl));
  });
}

export const getUser: Handler = async (s, r) => {
  const { claims, user } = await authenticate(s.pool, s.tokens, r.bearer());
  if (!claims.aud || claims.aud.length === 0) {
    throw badRequest("validation_failed", "Token audience doesn't match request audience");
  }
  return ok(userJson(user));
};

// Supabase Auth's fixed window: a session signed in within it may change its password without a code.
const RECENT_SIGN_IN_MS = 24 * 3600 * 1000;

async function signedInRecently(db: Db, sessionId: string | null, now: Date): Promise<boolean> {
  if (!sessionId) return false;
  const { rows } = await db.query<{ created_at: Date }>(`select created_at from auth.sessions where id = $1`, [sessionId]);
  return Boolean(rows[0]) && now.getTime() <= rows[0].created_at.getTime() + RECENT_SIGN_IN_MS;
}

/**
 * PUT /user: password, user_metadata (`data`) or email. As in Supabase Auth, with secure_password_change
 * a session signed in more than 24 hours ago changes the password only with the code of a
 * reauthentication email (`nonce`); with double_confirm_changes an email change is confirmed by a
 * link sent to the current address and one sent to the new address.
 */
export const updateUser: Handler = async (s, r) => {
  const { user, sessionId } = await authenticate(s.pool, s.tokens, r.bearer());
  const body = await r.body();
  const newEmail = body.string("email") ? validateEmail(body.string("email")) : "";
  const password = body.has("password") ? body.string("password") : undefined;
  const nonce = body.string("nonce");
  if (password !== undefined) checkPasswordStrength(password);
  // Authorization data lives in app_metadata, which only the service role may change.
  if (body.has("app_metadata")) throw forbidden("not_admin", "Updating app_metadata requires admin privileges");
  if (body.string("phone")) throw badRequest("phone_provider_disabled", "Unsupported phone provider");
  const data = body.object("data");
  const needsNonce =
    password !== undefined && s.securePasswordChange && !(await signedInRecently(s.pool, sessionId, s.now()));
  if (needsNonce && !nonce) throw badRequest("reauthentication_needed", "Password update requires reauthentication");
  if (password !== undefined && (await passwordMatches(user, password))) {
    throw unprocessable("same_password", "New password should be different from the old password.");
  }
  const passwordHash = password !== undefined ? await hashPassword(password) : undefined;
  const redirectTo = redirectTarget(r.query.get("redirect_to"), s.siteUrl, s.redirectAllowList);

  const messages = await transaction(s.pool, async (db) => {
    const now = s.now();
    if (needsNonce) {
      const { rows } = await db.query<UserRow>(`select * from auth.users where id = $1 for update`, [user.id]);
      await useReauthenticationNonce(db, rows[0], nonce, now);
    }
    if (passwordHash !== undefined) {
      // As Supabase Auth does: pending links stop working and every other session ends.
      await db.query(
        `update auth.users set encrypted_password = $2, confirmation_token = '', confirmation_sent_at = null,
           recovery_token = '', recovery_sent_at = null, email_change_token_current = '', email_change_token_new = '',
           email_change_sent_at = null, updated_at = $3
         where id = $1`,
        [user.id, passwordHash, now]
      );
      await clearOneTimeTokens(db, user.id);
      await endSessions(db, user.id, sessionId, "others");
    }
    if (data) {
      await db.query(`update auth.users set raw_user_meta_data = $2, updated_at = $3 where id = $1`, [
        user.id,
        mergeMetadata(user.raw_user_meta_data, data),
        now,
      ]);
    }
    if (!newEmail || newEmail === user.email) return [];
    if (await findUserByEmail(db, newEmail)) {
      throw unprocessable("email_exists", "A user with this email address has already been registered");
    }
    const [challenge, challengeMethod] = [body.string("code_challenge"), body.string("code_challenge_method")];
    const pkce = Boolean(challenge);
    if (pkce) await createFlowState(db, { userId: user.id, method: "email_change", challenge, challengeMethod, now });
    await db.query(`update auth.users set email_change = $2, email_change_confirm_status = 0 where id = $1`, [
      user.id,
      newEmail,
    ]);
    const email = (to: string, issued: { otp: string; hashedToken: string }) => {
      s.limits.email();
      return buildEmail(s.mailer, {
        to,
        kind: "email_change",
        redirectTo,
        newEmail,
        ...issued,
        authUrl: r.authUrl,
        siteUrl: s.siteUrl,
        user,
      });
    };
    const toNew = email(newEmail, await issueOneTimeToken(db, user, "email_change_token_new", newEmail, { pkce, now }));
    if (!s.doubleConfirmChanges || !user.email) return [toNew];
    const toCurrent = await issueOneTimeToken(db, user, "email_change_token_current", user.email, { pkce, now });
    return [toNew, email(user.email, toCurrent)];
  });
  for (const message of messages) await deliver(s, message, "Error sending email change email");
  return ok(userJson((await findUserById(s.pool, user.id))!));
};

/** GET /reauthenticate: emails the signed-in user a code that a password change then presents as `nonce`. */
export const reauthenticate: Handler = async (s, r) => {
  const { user } = await authenticate(s.pool, s.tokens, r.bearer());
  if (!user.email) {
    throw badRequest("validation_failed", "Reauthentication requires the user to have an email or a phone number");
  }
  if (!user.email_confirmed_at) throw unprocessable("email_not_confirmed", "Please verify your email first.");
  const message = await transaction(s.pool, async (db) => {
    s.limits.email();
    const { otp } = await issueOneTimeToken(db, user, "reauthentication_token", user.email!, { pkce: false, now: s.now() });
    return buildReauthenticationEmail(s.mailer, user, otp, s.siteUrl);
  });
  await deliver(s, message, "Error sending reauthentication email");
  return ok({});
};

export const logout: Handler = async (s, r) => {
  const { user, sessionId } = await authenticate(s.pool, s.tokens, r.bearer());
  const scope = r.query.get("scope") || "global";
  if (scope !== "global" && scope !== "local" && scope !== "others") {
    throw badRequest("validation_failed", `Unsupported logout scope "${scope}"`);
  }
  await endSessions(s.pool, user.id, sessionId, scope);
  return { status: 204 };
};
