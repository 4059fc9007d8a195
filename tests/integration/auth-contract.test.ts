import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createClient, isAuthApiError, type SupabaseClient } from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAuthService, type AuthEmail } from "../../supabase/local/auth/server";
import { readProjectConfig } from "../../supabase/local/config";
import { latestEmail, linkIn } from "../helpers/mailbox";
import { projectJwt, projectSigningKey } from "../helpers/supabase";

// The contract of the local auth service, exercised with supabase-js itself through the local stack's
// gateway: what the app relies on must behave as it does against hosted Supabase Auth.

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through vitest's global setup`);
  return value;
};
const SUPABASE_URL = env("SUPABASE_URL");
const PUBLISHABLE_KEY = env("SUPABASE_PUBLISHABLE_KEY");
const SECRET_KEY = env("SUPABASE_SECRET_KEY");

function client(key = PUBLISHABLE_KEY, opts: { flowType?: "implicit" | "pkce"; bearer?: string } = {}): SupabaseClient {
  return createClient(SUPABASE_URL, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, flowType: opts.flowType },
    global: opts.bearer ? { headers: { Authorization: `Bearer ${opts.bearer}` } } : undefined,
    realtime: { transport: WebSocket as never },
  });
}

const newEmail = (label = "user") => `${label}-${randomUUID()}@example.test`;
const PASSWORD = "correct horse battery";

/** Signs up (no session: confirmations are on) and confirms with the emailed link's token hash. */
async function signUp(email = newEmail()) {
  const { error } = await client().auth.signUp({ email, password: PASSWORD });
  if (error) throw error;
  const { tokenHash } = await confirmLinkIn(email, /Confirm your email/);
  const { data, error: verifyError } = await client().auth.verifyOtp({ token_hash: tokenHash, type: "signup" });
  if (verifyError) throw verifyError;
  return { email, session: data.session!, user: data.user! };
}

/** The token_hash and type of an email's /auth/confirm link, and its 6-digit code. */
async function confirmLinkIn(to: string, subject: RegExp) {
  const message = await latestEmail(to, { subject });
  const link = new URL(linkIn(message.text, "/auth/confirm"));
  return {
    message,
    link,
    tokenHash: link.searchParams.get("token_hash")!,
    type: link.searchParams.get("type")!,
    code: /enter this code: (\d{6})/.exec(message.text)?.[1],
  };
}

/** Supabase's {{ .ConfirmationURL }}: the auth API's /verify, for a template that links there. */
const confirmationUrl = (tokenHash: string, type: string, redirectTo: string) =>
  `${SUPABASE_URL}/auth/v1/verify?${new URLSearchParams({ token: tokenHash, type, redirect_to: redirectTo })}`;

async function rawAuth(path: string, init: RequestInit & { versioned?: boolean } = {}) {
  const headers = new Headers(init.headers);
  headers.set("apikey", PUBLISHABLE_KEY);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  if (init.versioned !== false) headers.set("x-supabase-api-version", "2024-01-01");
  return fetch(`${SUPABASE_URL}/auth/v1${path}`, { ...init, headers, redirect: "manual" });
}

describe("auth contract: sign-up", () => {
  it("signs up with no session and emails a link whose token gives Supabase's JWT claims and user shape", async () => {
    const email = newEmail("Mixed.Case");
    const signedUp = await client().auth.signUp({
      email,
      password: PASSWORD,
      options: { data: { name: "Ada" }, emailRedirectTo: "http://localhost:3000/auth/confirm?next=%2Finvitations%2Fabc" },
    });
    expect(signedUp.error).toBeNull();
    expect(signedUp.data.session).toBeNull();
    expect(signedUp.data.user).toMatchObject({ email: email.toLowerCase(), role: "authenticated", user_metadata: { name: "Ada" } });
    expect(signedUp.data.user!.email_confirmed_at).toBeUndefined();
    expect(signedUp.data.user!.confirmation_sent_at).toEqual(expect.any(String));
    const refused = await client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(refused.error).toMatchObject({ status: 400, code: "email_not_confirmed" });

    const { link, tokenHash, type, message } = await confirmLinkIn(email.toLowerCase(), /Confirm your email/);
    expect(message.subject).toBe("Confirm your email");
    expect(type).toBe("signup");
    // The template's `next={{ .RedirectTo }}`: the app's own confirm URL, which it unwraps.
    expect(link.searchParams.get("next")).toBe("http://localhost:3000/auth/confirm?next=%2Finvitations%2Fabc");
    const { data, error } = await client().auth.verifyOtp({ token_hash: tokenHash, type: "signup" });
    expect(error).toBeNull();
    const { session, user } = data;
    // supabase-js recomputes expires_in from expires_at and its own clock: 3599 when a second ticks over.
    expect(session).toMatchObject({ token_type: "bearer", expires_in: expect.toSatisfy((s: number) => s >= 3595 && s <= 3600) });
    expect(session!.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(session!.refresh_token).toEqual(expect.any(String));
    expect(user).toMatchObject({
      aud: "authenticated",
      role: "authenticated",
      email: email.toLowerCase(),
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { name: "Ada" },
      is_anonymous: false,
    });
    expect(user!.email_confirmed_at).toEqual(expect.any(String));
    expect(user!.identities).toEqual([expect.objectContaining({ provider: "email", user_id: user!.id })]);

    const claims = decodeJwt(session!.access_token);
    expect(claims).toMatchObject({
      aud: "authenticated",
      role: "authenticated",
      sub: user!.id,
      email: email.toLowerCase(),
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { name: "Ada" },
      aal: "aal1",
      amr: [{ method: "otp", timestamp: expect.any(Number) }],
      session_id: expect.any(String),
      is_anonymous: false,
    });
    expect(claims.iss).toBe(`${SUPABASE_URL}/auth/v1`);
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it("answers an address already registered, in any case, as a new one: an obfuscated user, no session, no email", async () => {
    const { email, user } = await signUp();
    const { data, error } = await client().auth.signUp({ email: email.toUpperCase(), password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user!.id).not.toBe(user.id);
    expect(data.user).toMatchObject({ email: email.toLowerCase(), identities: [] });
    expect(data.user!.email_confirmed_at).toBeUndefined();
  });

  it("an unconfirmed address signed up again gets its confirmation link again", async () => {
    const email = newEmail("twice");
    await client().auth.signUp({ email, password: PASSWORD });
    const first = await confirmLinkIn(email, /Confirm your email/);
    const again = await client().auth.signUp({ email, password: PASSWORD });
    expect(again.error).toBeNull();
    expect(again.data.session).toBeNull();
    const second = await confirmLinkIn(email, /Confirm your email/);
    expect(second.tokenHash).not.toBe(first.tokenHash);
    expect((await client().auth.verifyOtp({ token_hash: first.tokenHash, type: "signup" })).error).not.toBeNull();
    expect((await client().auth.verifyOtp({ token_hash: second.tokenHash, type: "signup" })).data.session).not.toBeNull();
  });

  it("refuses a weak password and an invalid address", async () => {
    const weak = await client().auth.signUp({ email: newEmail(), password: "12345" });
    expect(weak.error).toMatchObject({ name: "AuthWeakPasswordError", status: 422, code: "weak_password" });
    expect(weak.error).toHaveProperty("reasons", ["length"]);

    const invalid = await client().auth.signUp({ email: "not-an-address", password: PASSWORD });
    expect(invalid.error).toMatchObject({ status: 400, code: "validation_failed" });
  });
});

describe("auth contract: password sign-in and sessions", () => {
  it("signs in with the password; a wrong password or unknown address is invalid_credentials", async () => {
    const { email, user } = await signUp();
    const good = await client().auth.signInWithPassword({ email: email.toUpperCase(), password: PASSWORD });
    expect(good.error).toBeNull();
    expect(good.data.user?.id).toBe(user.id);
    expect(good.data.session?.access_token).toEqual(expect.any(String));

    for (const attempt of [
      { email, password: "wrong password" },
      { email: newEmail("nobody"), password: PASSWORD },
    ]) {
      const { data, error } = await client().auth.signInWithPassword(attempt);
      expect(data.session).toBeNull();
      expect(isAuthApiError(error)).toBe(true);
      expect(error).toMatchObject({ status: 400, code: "invalid_credentials", message: "Invalid login credentials" });
    }
  });

  it("rotates the refresh token; one rotated away within the reuse interval gets the session's current one", async () => {
    const { session } = await signUp();
    const refresh = (refresh_token: string) => client().auth.refreshSession({ refresh_token });
    const first = session.refresh_token;
    const second = await refresh(first);
    expect(second.error).toBeNull();
    const secondToken = second.data.session!.refresh_token;
    expect(secondToken).not.toBe(first);
    expect(decodeJwt(second.data.session!.access_token).session_id).toBe(decodeJwt(session.access_token).session_id);

    // As on Supabase: the token just rotated away gives back the active one (the client lost the reply).
    const lostReply = await refresh(first);
    expect(lostReply.data.session?.refresh_token).toBe(secondToken);

    // Two tabs refreshing at once: within refresh_token_reuse_interval (10 s in config.toml) an older
    // token is accepted too and gets the session's active token, not a second line of tokens.
    const third = await refresh(secondToken);
    expect(third.error).toBeNull();
    const replayed = await refresh(first);
    expect(replayed.error).toBeNull();
    expect(replayed.data.session?.refresh_token).toBe(third.data.session!.refresh_token);
    expect((await refresh(third.data.session!.refresh_token)).error).toBeNull();

  });

  it("refuses a malformed refresh token as validation_failed and a well-formed unknown one as not found", async () => {
    const refresh = (refresh_token: string) => client().auth.refreshSession({ refresh_token });
    const { session } = await signUp();
    expect(session.refresh_token).toMatch(/^[a-z2-7]{12}$/); // Supabase Auth's kind
    for (const malformed of ["not-a-refresh-token", "short", "ABCDEFGHIJKL", session.refresh_token + "x"]) {
      const { error } = await refresh(malformed);
      expect(error, malformed).toMatchObject({ status: 400, code: "validation_failed", message: "Refresh token is not valid" });
    }
    const signed = Buffer.concat([Buffer.from([0]), randomBytes(16), Buffer.from([7]), randomBytes(16)]);
    const checksum = createHash("sha256").update(signed).digest().subarray(0, 4);
    for (const unknown of ["abcdefghijkl", Buffer.concat([signed, checksum]).toString("base64url")]) {
      const { error } = await refresh(unknown);
      expect(error, unknown).toMatchObject({ status: 400, code: "refresh_token_not_found" });
    }
  });

  it("lets concurrent refreshes of one token all succeed, with the same new token", async () => {
    const { session } = await signUp();
    const results = await Promise.all(
      [1, 2, 3].map(() => client().auth.refreshSession({ refresh_token: session.refresh_token }))
    );
    expect(results.map((r) => r.error)).toEqual([null, null, null]);
    expect(new Set(results.map((r) => r.data.session!.refresh_token)).size).toBe(1);
  });

  it("returns the user for a valid access token", async () => {
    const { session, user } = await signUp();
    const { data, error } = await client().auth.getUser(session.access_token);
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ id: user.id, email: user.email });
  });

  it("after sign-out, the refresh token and the old access token no longer work", async () => {
    const { email } = await signUp();
    const supabase = client();
    const { data } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    const { access_token, refresh_token } = data.session!;
    expect((await supabase.auth.signOut()).error).toBeNull();

    const refresh = await client().auth.refreshSession({ refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: "refresh_token_not_found" });

    const user = await client().auth.getUser(access_token);
    expect(user.data.user).toBeNull();
    expect(user.error?.name).toBe("AuthSessionMissingError"); // how auth-js reports session_not_found
    const raw = await rawAuth("/user", { headers: { authorization: `Bearer ${access_token}` } });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({ code: "session_not_found" });
  });

  it("signs out only this session with scope local", async () => {
    const { email } = await signUp();
    const first = await client().auth.signInWithPassword({ email, password: PASSWORD });
    const second = client();
    await second.auth.signInWithPassword({ email, password: PASSWORD });
    expect((await second.auth.signOut({ scope: "local" })).error).toBeNull();
    expect((await client().auth.getUser(first.data.session!.access_token)).error).toBeNull();
  });

  it("answers errors in the negotiated shape", async () => {
    const body = JSON.stringify({ email: newEmail(), password: "wrong password" });
    const current = await rawAuth("/token?grant_type=password", { method: "POST", body });
    expect(current.status).toBe(400);
    expect(current.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(await current.json()).toEqual({ code: "invalid_credentials", message: "Invalid login credentials" });
    expect(current.headers.get("x-sb-error-code")).toBe("invalid_credentials");

    const legacy = await rawAuth("/token?grant_type=password", { method: "POST", body, versioned: false });
    expect(await legacy.json()).toEqual({
      code: 400,
      error_code: "invalid_credentials",
      msg: "Invalid login credentials",
    });
    expect(legacy.headers.get("x-sb-error-code")).toBe("invalid_credentials");

    // Every error answer carries it, whatever raised it: a route, a body that is not JSON, a weak password.
    const errors = [
      [await rawAuth("/nowhere"), 404, "unknown"],
      [await rawAuth("/token?grant_type=password", { method: "POST", body: "{" }), 400, "bad_json"],
      [await rawAuth("/signup", { method: "POST", body: JSON.stringify({ email: newEmail(), password: "1" }) }), 422, "weak_password"],
      [await rawAuth("/admin/users"), 403, "not_admin"],
    ] as const;
    for (const [res, status, code] of errors) {
      expect(res.status).toBe(status);
      expect(res.headers.get("x-sb-error-code")).toBe(code);
      expect(await res.json()).toMatchObject({ code });
    }
  });
});

describe("auth contract: emailed links and codes", () => {
  it("signs in with a magic link's token hash, once", async () => {
    const { email, user } = await signUp();
    const { error } = await client().auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    expect(error).toBeNull();

    const { message, tokenHash, type, link } = await confirmLinkIn(email, /sign-in link/i);
    expect(message.to).toEqual([email]);
    expect(link.origin).toBe(new URL(env("APP_URL")).origin);
    expect(type).toBe("magiclink");

    const verified = await client().auth.verifyOtp({ token_hash: tokenHash, type: "magiclink" });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.id).toBe(user.id);
    expect(decodeJwt(verified.data.session!.access_token).amr).toEqual([
      { method: "otp", timestamp: expect.any(Number) },
    ]);

    const again = await client().auth.verifyOtp({ token_hash: tokenHash, type: "magiclink" });
    expect(again.error).toMatchObject({ status: 403, code: "otp_expired" });
  });

  it("signs in with the 6-digit code from the email", async () => {
    const { email, user } = await signUp();
    await client().auth.signInWithOtp({ email });
    const { code } = await confirmLinkIn(email, /sign-in link/i);
    expect(code).toMatch(/^\d{6}$/);

    const wrong = await client().auth.verifyOtp({
      email,
      token: code === "000000" ? "111111" : "000000",
      type: "email",
    });
    expect(wrong.error).toMatchObject({ status: 403, code: "otp_expired", message: "Token has expired or is invalid" });

    const { data, error } = await client().auth.verifyOtp({ email, token: code!, type: "email" });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
  });

  it("creates the user on a first magic link, unless asked not to", async () => {
    const refused = newEmail("refused");
    const { error } = await client().auth.signInWithOtp({ email: refused, options: { shouldCreateUser: false } });
    expect(error).toMatchObject({ status: 422, code: "otp_disabled" });

    const email = newEmail("first-link");
    expect((await client().auth.signInWithOtp({ email, options: { data: { name: "Grace" } } })).error).toBeNull();
    const { tokenHash } = await confirmLinkIn(email, /sign-in link/i);
    const { data } = await client().auth.verifyOtp({ token_hash: tokenHash, type: "magiclink" });
    expect(data.user).toMatchObject({ email, user_metadata: { name: "Grace" } });
    expect(data.user!.email_confirmed_at).toEqual(expect.any(String));
  });

  it("redirects Supabase's own /verify link with the session, or with the error", async () => {
    const { email } = await signUp();
    const redirectTo = `${env("APP_URL")}/welcome`;
    await client().auth.signInWithOtp({ email, options: { emailRedirectTo: redirectTo } });
    const { message, link, tokenHash } = await confirmLinkIn(email, /sign-in link/i);
    expect(link.searchParams.get("next")).toBe(redirectTo);
    expect(message.text).not.toContain("/auth/v1/verify"); // config.toml's template links to the app only
    const verifyUrl = confirmationUrl(tokenHash, "magiclink", redirectTo);

    const ok = await fetch(verifyUrl, { redirect: "manual" });
    expect(ok.status).toBe(303);
    const location = new URL(ok.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(redirectTo);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("token_type")).toBe("bearer");
    expect(fragment.get("type")).toBe("magiclink");
    expect((await client().auth.getUser(fragment.get("access_token")!)).data.user?.email).toBe(email);

    const used = await fetch(verifyUrl, { redirect: "manual" });
    const error = new URLSearchParams(new URL(used.headers.get("location")!).hash.slice(1));
    expect(error.get("error")).toBe("access_denied");
    expect(error.get("error_code")).toBe("otp_expired");
  });

  it("completes a PKCE magic link with the auth code, or with the prefixed token hash", async () => {
    const { email, user } = await signUp();
    const browser = client(PUBLISHABLE_KEY, { flowType: "pkce" });
    await browser.auth.signInWithOtp({ email });
    const first = await confirmLinkIn(email, /sign-in link/i);
    const viaVerify = await fetch(confirmationUrl(first.tokenHash, "magiclink", env("APP_URL")), { redirect: "manual" });
    const code = new URL(viaVerify.headers.get("location")!).searchParams.get("code");
    expect(code).toEqual(expect.any(String));
    const exchanged = await browser.auth.exchangeCodeForSession(code!);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.user?.id).toBe(user.id);

    await client(PUBLISHABLE_KEY, { flowType: "pkce" }).auth.signInWithOtp({ email });
    const { tokenHash } = await confirmLinkIn(email, /sign-in link/i);
    expect(tokenHash).toMatch(/^pkce_/);
    const verified = await client().auth.verifyOtp({ token_hash: tokenHash, type: "magiclink" });
    expect(verified.data.user?.id).toBe(user.id);
  });

  it("resets a forgotten password: recovery link, new password, sign-in with it", async () => {
    const { email } = await signUp();
    const { error } = await client().auth.resetPasswordForEmail(email, { redirectTo: `${env("APP_URL")}/account` });
    expect(error).toBeNull();
    const { tokenHash, type } = await confirmLinkIn(email, /reset your password/i);
    expect(type).toBe("recovery");

    const recovering = client();
    const verified = await recovering.auth.verifyOtp({ token_hash: tokenHash, type: "recovery" });
    expect(verified.error).toBeNull();
    const updated = await recovering.auth.updateUser({ password: "a brand new password" });
    expect(updated.error).toBeNull();

    const withNew = await client().auth.signInWithPassword({ email, password: "a brand new password" });
    expect(withNew.error).toBeNull();
    const withOld = await client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(withOld.error).toMatchObject({ code: "invalid_credentials" });
  });

  it("answers a recovery request for an unknown address the same, and sends nothing", async () => {
    const email = newEmail("unknown");
    const { data, error } = await client().auth.resetPasswordForEmail(email);
    expect(error).toBeNull();
    expect(data).toEqual({});
    await expect(latestEmail(email, { timeoutMs: 500 })).rejects.toThrow(/No email/);
  });
});

describe("auth contract: user updates", () => {
  it("updates user_metadata but never app_metadata", async () => {
    const { email } = await signUp();
    const supabase = client();
    await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    const { data, error } = await supabase.auth.updateUser({ data: { name: "Lin" } });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toMatchObject({ name: "Lin" });

    const session = (await supabase.auth.getSession()).data.session!;
    const forbidden = await rawAuth("/user", {
      method: "PUT",
      headers: { authorization: `Bearer ${session.access_token}` },
      body: JSON.stringify({ app_metadata: { role: "admin" } }),
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: "not_admin" });
  });
  it("changes the email once the links sent to both addresses are followed (double_confirm_changes)", async () => {
    const { email } = await signUp();
    const supabase = client();
    await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    const next = newEmail("moved");
    const { data, error } = await supabase.auth.updateUser({ email: next });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, new_email: next });

    const toNew = await confirmLinkIn(next, /email change|new email address/i);
    expect(toNew.type).toBe("email_change");
    const first = await client().auth.verifyOtp({ token_hash: toNew.tokenHash, type: "email_change" });
    expect(first.error).toBeNull();
    expect(first.data).toEqual({ user: null, session: null });

    const toCurrent = await confirmLinkIn(email, /email change|new email address/i);
    expect(toCurrent.type).toBe("email_change");
    const second = await client().auth.verifyOtp({ token_hash: toCurrent.tokenHash, type: "email_change" });
    expect(second.error).toBeNull();
    expect(second.data.user?.email).toBe(next);
    expect((await client().auth.signInWithPassword({ email: next, password: PASSWORD })).error).toBeNull();
  });
});

describe("auth contract: tokens seen by PostgREST", () => {
  it("refuses an expired access token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await projectJwt(
      { role: "authenticated", aud: "authenticated", sub: randomUUID(), iat: now - 7200 },
      { expiresAt: now - 3600 },
    );
    const res = await fetch(`${SUPABASE_URL}/rest/v1/`, {
      headers: { apikey: PUBLISHABLE_KEY, authorization: `Bearer ${expired}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "PGRST301", message: "JWT expired" });

    const user = await client().auth.getUser(expired);
    expect(user.error).toMatchObject({ status: 403, code: "bad_jwt" });
  });

  it("accepts the service's access tokens", async () => {
    const { session } = await signUp();
    const res = await fetch(`${SUPABASE_URL}/rest/v1/`, {
      headers: { apikey: PUBLISHABLE_KEY, authorization: `Bearer ${session.access_token}` },
    });
    expect(res.status).toBe(200);
  });
});

describe("auth contract: admin API", () => {
  it("creates, finds, updates and deletes users with the service-role key", async () => {
    const admin = client(SECRET_KEY).auth.admin;
    const email = newEmail("admin-made");
    const created = await admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { name: "Bo" },
      app_metadata: { plan: "demo" },
    });
    expect(created.error).toBeNull();
    const user = created.data.user!;
    expect(user).toMatchObject({
      email,
      user_metadata: { name: "Bo", email_verified: true },
      app_metadata: { provider: "email", providers: ["email"], plan: "demo" },
    });
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();

    expect((await admin.getUserById(user.id)).data.user?.email).toBe(email);
    const updated = await admin.updateUserById(user.id, { app_metadata: { plan: null, tier: 2 } });
    expect(updated.data.user?.app_metadata).toEqual({ provider: "email", providers: ["email"], tier: 2 });

    const duplicate = await admin.createUser({ email, password: PASSWORD });
    expect(duplicate.error).toMatchObject({ status: 422, code: "email_exists" });

    const list = await admin.listUsers({ page: 1, perPage: 1 });
    expect(list.error).toBeNull();
    expect(list.data.users).toHaveLength(1);
    expect((list.data as unknown as { total: number }).total).toBeGreaterThan(1);

    expect((await admin.deleteUser(user.id)).error).toBeNull();
    expect((await admin.getUserById(user.id)).error).toMatchObject({ status: 404, code: "user_not_found" });
    const signIn = await client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toMatchObject({ code: "invalid_credentials" });
  });

  it("refuses the admin API to the anon key and to a user's token", async () => {
    const anon = await client().auth.admin.createUser({ email: newEmail(), password: PASSWORD });
    expect(anon.error).toMatchObject({ status: 403, code: "not_admin", message: "User not allowed" });

    const { session, user } = await signUp();
    const asUser = await client(PUBLISHABLE_KEY, { bearer: session.access_token }).auth.admin.deleteUser(user.id);
    expect(asUser.error).toMatchObject({ status: 403, code: "not_admin" });
  });

  it("generates a magic link whose hashed token signs in", async () => {
    const { email, user } = await signUp();
    const { data, error } = await client(SECRET_KEY).auth.admin.generateLink({ type: "magiclink", email });
    expect(error).toBeNull();
    expect(data.properties).toMatchObject({
      verification_type: "magiclink",
      email_otp: expect.stringMatching(/^\d{6}$/),
    });
    expect(new URL(data.properties!.action_link).pathname).toBe("/auth/v1/verify");
    const verified = await client().auth.verifyOtp({ token_hash: data.properties!.hashed_token, type: "magiclink" });
    expect(verified.data.user?.id).toBe(user.id);
  });
});

describe("auth contract: config.toml", () => {
  it("answers /settings as Supabase Auth does, from config.toml", async () => {
    const { auth } = readProjectConfig();
    const res = await rawAuth("/settings");
    expect(res.status).toBe(200);
    const settings = await res.json();
    expect(settings).toEqual({
      external: expect.objectContaining({
        anonymous_users: false,
        email: auth.email.enable_signup,
        phone: false,
        github: false,
        google: false,
        apple: false,
      }),
      disable_signup: !auth.enable_signup,
      mailer_autoconfirm: !auth.email.enable_confirmations,
      phone_autoconfirm: true,
      sms_provider: "",
      saml_enabled: false,
      saml_private_key_next_configured: false,
      passkeys_enabled: false,
    });
    expect(Object.keys(settings.external)).toHaveLength(26); // every provider Supabase Auth lists
  });

  it("invites by email (admin.inviteUserByEmail) with config.toml's invite template", async () => {
    const admin = client(SECRET_KEY).auth.admin;
    const email = newEmail("invited");
    const redirectTo = `${env("APP_URL")}/auth/confirm?next=%2Fcircles`;
    const invited = await admin.inviteUserByEmail(email, { data: { display_name: "Ines" }, redirectTo });
    expect(invited.error).toBeNull();
    expect(invited.data.user).toMatchObject({ email, user_metadata: { display_name: "Ines" } });
    expect(invited.data.user!.invited_at).toEqual(expect.any(String));

    const { message, type, tokenHash, link } = await confirmLinkIn(email, /invited/i);
    expect(message.subject).toBe(readProjectConfig().emailTemplates.invite.subject);
    expect(type).toBe("invite");
    expect(link.searchParams.get("next")).toBe(redirectTo);
    const { data, error } = await client().auth.verifyOtp({ token_hash: tokenHash, type: "invite" });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, email_confirmed_at: expect.any(String) });

    const again = await admin.inviteUserByEmail(email);
    expect(again.error).toMatchObject({ status: 422, code: "email_exists" });
  });

  it("refuses sign-ups when enable_signup is off, and says so in /settings", async () => {
    const service = await startAuthService({
      port: 0,
      databaseUrl: env("DATABASE_URL"),
      signingKey: projectSigningKey(),
      siteUrl: "http://localhost:3999",
      externalUrl: "http://localhost:3999/auth/v1",
      enableSignup: false,
      sendEmail: async () => {},
    });
    try {
      const base = `http://127.0.0.1:${service.port}`;
      const headers = { "content-type": "application/json", "x-supabase-api-version": "2024-01-01" };
      const res = await fetch(`${base}/signup`, {
        method: "POST",
        headers,
        body: JSON.stringify({ email: newEmail("closed"), password: PASSWORD }),
      });
      expect(res.status).toBe(422);
      expect(res.headers.get("x-sb-error-code")).toBe("signup_disabled");
      expect(await res.json()).toEqual({ code: "signup_disabled", message: "Signups not allowed for this instance" });
      expect(await (await fetch(`${base}/settings`)).json()).toMatchObject({ disable_signup: true });
    } finally {
      await service.stop();
    }
  });
});

describe("auth contract: time limits (a service instance on a pinned clock)", () => {
  let clock = new Date();
  const sent: AuthEmail[] = [];
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let base: string;

  beforeAll(async () => {
    service = await startAuthService({
      port: 0,
      databaseUrl: env("DATABASE_URL"),
      signingKey: projectSigningKey(),
      siteUrl: "http://localhost:3999",
      externalUrl: "http://localhost:3999/auth/v1",
      accessTokenTtlSeconds: 60,
      sendEmail: async (email) => void sent.push(email),
      now: () => clock,
    });
    base = `http://127.0.0.1:${service.port}`;
  });
  afterAll(() => service?.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
      body: JSON.stringify(body),
    });

  it("expires an emailed link after an hour", async () => {
    clock = new Date();
    const email = newEmail("clock");
    expect((await post("/otp", { email, create_user: true })).status).toBe(200);
    const tokenHash = new URL(/http\S+\/auth\/confirm\S+/.exec(sent.at(-1)!.text)![0]).searchParams.get("token_hash");

    clock = new Date(clock.getTime() + 3601_000);
    const late = await post("/verify", { type: "magiclink", token_hash: tokenHash });
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ code: "otp_expired" });
  });

  it("a rotated refresh token replayed within the reuse interval gets the current one; after it, is refused and revokes the family", async () => {
    clock = new Date();
    const signedUp = await post("/signup", { email: newEmail("reuse"), password: PASSWORD });
    const { refresh_token: first } = (await signedUp.json()) as { refresh_token: string };
    const refresh = async (refresh_token: string) => {
      const res = await post("/token?grant_type=refresh_token", { refresh_token });
      return { status: res.status, body: (await res.json()) as { refresh_token?: string; access_token?: string; code?: string } };
    };
    const second = (await refresh(first)).body.refresh_token!;
    clock = new Date(clock.getTime() + 2_000);
    const third = (await refresh(second)).body.refresh_token!;

    // `first` was rotated away 2 s ago (10 s is the interval): accepted, with the session's active token.
    clock = new Date(clock.getTime() + 7_000);
    const within = await refresh(first);
    expect(within.status).toBe(200);
    expect(within.body.refresh_token).toBe(third);
    expect(within.body.access_token).toEqual(expect.any(String));

    // 11 s after its rotation: refused, and the whole family with it.
    clock = new Date(clock.getTime() + 2_000);
    const after = await refresh(first);
    expect(after.status).toBe(400);
    expect(after.body).toMatchObject({ code: "refresh_token_already_used" });
    expect((await refresh(third)).body).toMatchObject({ code: "refresh_token_already_used" });
  });

  it("takes the reuse interval as an option (0: any replay but the lost reply is refused)", async () => {
    const strict = await startAuthService({
      port: 0,
      databaseUrl: env("DATABASE_URL"),
      signingKey: projectSigningKey(),
      siteUrl: "http://localhost:3999",
      externalUrl: "http://localhost:3999/auth/v1",
      refreshTokenReuseIntervalSeconds: 0,
      sendEmail: async () => {},
    });
    try {
      const call = (path: string, body: unknown) =>
        fetch(`http://127.0.0.1:${strict.port}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { refresh_token?: string; code?: string } }));
      const refresh = (refresh_token: string) => call("/token?grant_type=refresh_token", { refresh_token });
      const first = (await call("/signup", { email: newEmail("strict"), password: PASSWORD })).body.refresh_token!;
      const second = (await refresh(first)).body.refresh_token!;
      expect((await refresh(first)).body.refresh_token).toBe(second); // the lost reply
      await refresh(second);
      expect(await refresh(first)).toMatchObject({ status: 400, body: { code: "refresh_token_already_used" } });
    } finally {
      await strict.stop();
    }
  });

  it("stops accepting an access token at its expiry", async () => {
    clock = new Date();
    const res = await post("/signup", { email: newEmail("clock"), password: PASSWORD });
    const { access_token, expires_in } = (await res.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBe(60);
    const getUser = () => fetch(`${base}/user`, { headers: { authorization: `Bearer ${access_token}` } });
    expect((await getUser()).status).toBe(200);

    clock = new Date(clock.getTime() + 61_000);
    const expired = await getUser();
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ error_code: "bad_jwt" });
  });
});
