import { buildEmail, verifyLink } from "./emails";
import { deliver, type Handler, ok } from "./handlers";
import { ApiError, badRequest, notFound, redirectTarget, unprocessable, type Req } from "./http";
import { clearOneTimeTokens, issueOneTimeToken, tokenHash, type IssuedToken } from "./otp";
import { endSessions, requireAdmin, UUID } from "./tokens";
import {
  checkPasswordLength,
  checkPasswordStrength,
  confirmEmail,
  findUserByEmail,
  findUserById,
  hashPassword,
  insertUser,
  listUsers,
  mergeMetadata,
  transaction,
  userJson,
  validateEmail,
  type Db,
  type UserRow,
} from "./users";

// The admin endpoints (service-role key only) used by seeding, jobs and tests.

const EMAIL_EXISTS = "A user with this email address has already been registered";

/** Wraps an admin handler with Supabase Auth's check of the Bearer token's role. */
const admin =
  (handler: Handler): Handler =>
  async (s, r) => {
    await requireAdmin(s.tokens, r.bearer());
    return handler(s, r);
  };

async function loadUser(db: Db, r: Req): Promise<UserRow> {
  const id = r.params[0];
  if (!UUID.test(id)) throw notFound("validation_failed", "user_id must be an UUID");
  const user = await findUserById(db, id);
  if (!user) throw notFound("user_not_found", "User not found");
  return user;
}

function pageParam(value: string | null, fallback: number): number {
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw badRequest("validation_failed", `Bad Pagination Parameters: invalid value "${value}"`);
  }
  return Number(value);
}

/** Supabase Auth's Link / X-Total-Count headers, which auth-js's listUsers reads. */
function paginationHeaders(r: Req, page: number, perPage: number, total: number) {
  const lastPage = Math.ceil(total / perPage);
  const link = (p: number) => {
    const query = new URLSearchParams(r.query);
    query.set("page", String(p));
    query.sort();
    return `<${r.path}?${query}>`;
  };
  const next = lastPage > page ? `${link(page + 1)}; rel="next", ` : "";
  return { link: `${next}${link(lastPage)}; rel="last"`, "x-total-count": String(total) };
}

export const listUsersHandler = admin(async (s, r) => {
  const page = pageParam(r.query.get("page"), 1);
  const perPage = pageParam(r.query.get("per_page"), 50);
  const { users, total } = await listUsers(s.pool, page, perPage);
  return {
    status: 200,
    body: { users: users.map(userJson), aud: "authenticated" },
    headers: paginationHeaders(r, page, perPage, total),
  };
});

export const createUser = admin(async (s, r) => {
  const body = await r.body();
  const [email, phone, password, passwordHash] = ["email", "phone", "password", "password_hash"].map((k) =>
    body.string(k)
  );
  if (!email && !phone) throw badRequest("validation_failed", "Cannot create a user without either an email or phone");
  if (phone) throw badRequest("phone_provider_disabled", "Phone users are not supported by the local auth service");
  const address = validateEmail(email);
  if (password && passwordHash)
    throw badRequest("validation_failed", "Only a password or a password hash should be provided");
  if (passwordHash && !/^\$2[aby]\$\d\d\$/.test(passwordHash))
    throw badRequest("validation_failed", "Invalid password hash");
  if (body.string("ban_duration"))
    throw badRequest("validation_failed", "ban_duration is not supported by the local auth service");
  const id = body.string("id");
  if (id && !UUID.test(id)) throw badRequest("validation_failed", "ID must conform to the uuid v4 format");
  if (password) checkPasswordLength(password);
  const hash = passwordHash || (password ? await hashPassword(password) : "");

  return transaction(s.pool, async (db) => {
    if (await findUserByEmail(db, address)) throw unprocessable("email_exists", EMAIL_EXISTS);
    const now = s.now();
    const userId = await insertUser(db, {
      id: id || undefined,
      email: address,
      passwordHash: hash,
      userMetadata: body.object("user_metadata") ?? {},
      appMetadata: mergeMetadata({ provider: "email", providers: ["email"] }, body.object("app_metadata") ?? {}),
      role: body.string("role") || undefined,
      confirmedAt: body.boolean("email_confirm") ? now : null,
      now,
    });
    return ok(userJson((await findUserById(db, userId))!));
  });
});

export const getUserHandler = admin(async (s, r) => ok(userJson(await loadUser(s.pool, r))));

export const updateUser = admin(async (s, r) => {
  const body = await r.body();
  const address = body.string("email") ? validateEmail(body.string("email")) : "";
  const password = body.has("password") ? body.string("password") : undefined;
  if (password !== undefined) checkPasswordStrength(password);
  if (body.string("phone"))
    throw badRequest("phone_provider_disabled", "Phone users are not supported by the local auth service");
  if (body.string("ban_duration"))
    throw badRequest("validation_failed", "ban_duration is not supported by the local auth service");
  const passwordHash = password !== undefined ? await hashPassword(password) : undefined;

  return transaction(s.pool, async (db) => {
    const user = await loadUser(db, r);
    const now = s.now();
    const set = (column: string, value: unknown) =>
      db.query(`update auth.users set ${column} = $2, updated_at = $3 where id = $1`, [user.id, value, now]);
    const role = body.string("role");
    if (role) await set("role", role);
    if (body.boolean("email_confirm")) await confirmEmail(db, user, now);
    if (passwordHash !== undefined) {
      await set("encrypted_password", passwordHash);
      await clearOneTimeTokens(db, user.id);
      await endSessions(db, user.id, null, "global");
    }
    if (address && address !== user.email) {
      if (await findUserByEmail(db, address)) throw unprocessable("email_exists", EMAIL_EXISTS);
      await set("email", address);
      await db.query(
        `update auth.identities
            set identity_data = identity_data || jsonb_build_object('email', $2::text, 'email_verified', $3::boolean),
                updated_at = $4
          where user_id = $1 and provider = 'email'`,
        [user.id, address, body.boolean("email_confirm"), now]
      );
    }
    const current = (await findUserById(db, user.id))!;
    const appMetadata = body.object("app_metadata");
    if (appMetadata) await set("raw_app_meta_data", mergeMetadata(current.raw_app_meta_data, appMetadata));
    const userMetadata = body.object("user_metadata");
    if (userMetadata) await set("raw_user_meta_data", mergeMetadata(current.raw_user_meta_data, userMetadata));
    return ok(userJson((await findUserById(db, user.id))!));
  });
});

export const deleteUser = admin(async (s, r) => {
  const body = await r.body({ optional: true });
  if (body.boolean("should_soft_delete")) {
    throw badRequest("validation_failed", "Soft deletion is not supported by the local auth service");
  }
  const user = await loadUser(s.pool, r);
  try {
    await s.pool.query(`delete from auth.users where id = $1`, [user.id]);
  } catch (error) {
    if ((error as { code?: string }).code !== "23503") throw error;
    throw new ApiError(500, "unexpected_failure", "Database error deleting user");
  }
  return ok({});
});

/**
 * POST /invite (auth-js admin.inviteUserByEmail): creates the user unless the address already has an
 * unconfirmed one, and emails the invite template; an address with a confirmed account is refused.
 */
export const invite = admin(async (s, r) => {
  const body = await r.body();
  const address = validateEmail(body.string("email"));
  const data = body.object("data") ?? {};
  const redirectTo = redirectTarget(r.query.get("redirect_to"), s.siteUrl, s.redirectAllowList);
  const { reply, message } = await transaction(s.pool, async (db) => {
    const now = s.now();
    let user = await findUserByEmail(db, address);
    if (user?.email_confirmed_at) throw unprocessable("email_exists", EMAIL_EXISTS);
    if (!user) {
      const id = await insertUser(db, { email: address, passwordHash: "", userMetadata: data, confirmedAt: null, now });
      user = (await findUserById(db, id))!;
    }
    await db.query(`update auth.users set invited_at = $2 where id = $1`, [user.id, now]);
    s.limits.email();
    const issued = await issueOneTimeToken(db, user, "confirmation_token", address, { pkce: false, now });
    const current = (await findUserById(db, user.id))!;
    const email = buildEmail(s.mailer, {
      to: address,
      kind: "invite",
      redirectTo,
      ...issued,
      authUrl: r.authUrl,
      siteUrl: s.siteUrl,
      user: current,
    });
    return { reply: ok(userJson(current)), message: email };
  });
  await deliver(s, message, "Error sending invite email");
  return reply;
});

/** POST /admin/generate_link: the link and code an email would carry, without sending it. */
export const generateLink = admin(async (s, r) => {
  const body = await r.body();
  let type = body.string("type");
  const address = validateEmail(body.string("email"));
  const redirectTo = redirectTarget(body.string("redirect_to") || r.query.get("redirect_to"), s.siteUrl, s.redirectAllowList);
  const data = body.object("data") ?? {};
  let password = body.string("password");

  return transaction(s.pool, async (db) => {
    const now = s.now();
    let user = await findUserByEmail(db, address);
    if (!user && type === "magiclink") {
      // As Supabase Auth does: a magic link for an unknown address signs it up.
      type = "signup";
      password = "";
    } else if (!user && (type === "recovery" || type === "email_change_current" || type === "email_change_new")) {
      throw notFound("user_not_found", "User with this email not found");
    }

    let issued: IssuedToken;
    let linkToken: string | undefined;
    let linkType: string | undefined;
    const signUp = async (passwordHash: string, invitedAt: Date | null) => {
      const id = await insertUser(db, {
        email: address,
        passwordHash,
        userMetadata: data,
        invitedAt,
        confirmedAt: null,
        now,
      });
      return (await findUserById(db, id))!;
    };
    switch (type) {
      case "magiclink":
      case "recovery":
        issued = await issueOneTimeToken(db, user!, "recovery_token", address, { pkce: false, now });
        break;
      case "signup":
        if (user?.email_confirmed_at) throw unprocessable("email_exists", EMAIL_EXISTS);
        if (!user) {
          if (password) checkPasswordStrength(password);
          else if (body.string("type") === "signup")
            throw badRequest("validation_failed", "Signup requires a valid password");
          user = await signUp(password ? await hashPassword(password) : "", null);
        }
        issued = await issueOneTimeToken(db, user, "confirmation_token", address, { pkce: false, now });
        break;
      case "invite":
        if (user?.email_confirmed_at) throw unprocessable("email_exists", EMAIL_EXISTS);
        if (!user) user = await signUp("", now);
        else await db.query(`update auth.users set invited_at = $2 where id = $1`, [user.id, now]);
        issued = await issueOneTimeToken(db, user, "confirmation_token", address, { pkce: false, now });
        break;
      case "email_change_current":
      case "email_change_new": {
        // As Supabase Auth: the token of the address the link goes to; the link's type is email_change,
        // hashed_token is the current address's hash (GoTrue reports that one for both types).
        if (type === "email_change_current" && !s.doubleConfirmChanges) {
          throw badRequest("validation_failed", "Enable secure email change to generate link for current email");
        }
        const newEmail = validateEmail(body.string("new_email"));
        const taken = await findUserByEmail(db, newEmail);
        if (taken && taken.id !== user!.id) throw unprocessable("email_exists", EMAIL_EXISTS);
        await db.query(
          `update auth.users set email_change = $2, email_change_confirm_status = 0, updated_at = $3 where id = $1`,
          [user!.id, newEmail, now],
        );
        const toCurrent = type === "email_change_current";
        const link = await issueOneTimeToken(
          db,
          user!,
          toCurrent ? "email_change_token_current" : "email_change_token_new",
          toCurrent ? address : newEmail,
          { pkce: false, now },
        );
        issued = { otp: link.otp, hashedToken: tokenHash(address, link.otp) };
        linkToken = link.hashedToken;
        linkType = "email_change";
        break;
      }
      default:
        throw badRequest("validation_failed", `Invalid email action link type requested: ${type}`);
    }
    const current = (await findUserById(db, user!.id))!;
    return ok({
      ...userJson(current),
      action_link: verifyLink(r.authUrl, linkToken ?? issued.hashedToken, linkType ?? type, redirectTo),
      email_otp: issued.otp,
      hashed_token: issued.hashedToken,
      verification_type: type,
      redirect_to: redirectTo,
    });
  });
});
