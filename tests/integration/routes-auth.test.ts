import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import type { Session } from "@supabase/supabase-js";
import { generateKeyPairSync } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits, rules } from "~/rate-limit.server";
import * as root from "~/root";
import * as confirm from "~/routes/auth.confirm";
import * as forgotPassword from "~/routes/auth.forgot-password";
import * as resetPassword from "~/routes/auth.reset-password";
import * as signIn from "~/routes/auth.sign-in";
import * as signInLink from "~/routes/auth.sign-in-link";
import * as signOut from "~/routes/auth.sign-out";
import * as signUp from "~/routes/auth.sign-up";
import { requireUser } from "~/supabase.server";
import { latestEmail, linkIn, listEmails } from "../helpers/mailbox";
import { appUrl, context, cookiesFrom, get, post, run, type Handler, type RouteResult } from "../helpers/routes";
import { anonClient, closeSql, createAuthUser, projectJwt, sql, PASSWORD as USER_PASSWORD, uniqueEmail } from "../helpers/supabase";

// Remix loaders and actions called with real Requests against the real local stack.

const PASSWORD = "correct horse battery";

afterAll(() => closeSql());

/** Opens an emailed /auth/confirm link and presses its button: posts the page's hidden fields. */
async function pressContinue(link: string): Promise<RouteResult> {
  const url = new URL(link, appUrl());
  const opened = await run(confirm.loader, get(url.pathname + url.search));
  const fields = opened.data.link ?? Object.fromEntries(url.searchParams);
  return run(confirm.action, post("/auth/confirm", fields));
}

async function signedInUserEmail(cookie: string): Promise<string | null> {
  const result = await run(root.loader, get("/", cookie));
  return result.data.user?.email ?? null;
}

/** Signs up through the form, then opens the emailed confirmation link: the new account's cookie. */
async function createAccount(email = uniqueEmail("member")) {
  const result = await run(
    signUp.action,
    post("/auth/sign-up", { displayName: "Sam", email, password: PASSWORD }),
  );
  expect(result.data).toEqual({ checkEmail: true, email });
  const confirmed = await pressContinue(linkIn((await latestEmail(email, { subject: /Confirm your email/ })).text, "/auth/confirm"));
  expect(confirmed.status).toBe(302);
  return { email, cookie: cookiesFrom("", confirmed.headers) };
}

beforeEach(() => resetRateLimits());

describe("sign up", () => {
  test("bad input answers 400 with a message per field", async () => {
    const result = await run(
      signUp.action,
      post("/auth/sign-up", { displayName: "", email: "", password: "short" }),
    );
    expect(result.status).toBe(400);
    expect(result.data.errors.fieldErrors).toEqual({
      displayName: ["Your name is required"],
      email: ["Email is required"],
      password: ["Password must be at least 8 characters"],
    });
    // Typed values come back to refill the form; the password never does.
    expect(result.data.values).toEqual({ displayName: "", email: "" });
  });

  test("an invalid email is refused", async () => {
    const result = await run(
      signUp.action,
      post("/auth/sign-up", { displayName: "Sam", email: "not-an-email", password: PASSWORD }),
    );
    expect(result.status).toBe(400);
    expect(result.data.errors.fieldErrors.email).toEqual([
      "Enter a valid email address, like name@example.com",
    ]);
  });

  test("creates the account with no session, says check your email; the emailed link signs in and goes on", async () => {
    const email = uniqueEmail("signup");
    const result = await run(
      signUp.action,
      post("/auth/sign-up", {
        displayName: "Maria",
        email: email.toUpperCase(),
        password: PASSWORD,
        redirectTo: "/circles/abc?tab=tasks",
      }),
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ checkEmail: true, email });
    expect(result.headers.getSetCookie().filter((c) => /auth-token=[^;]/.test(c))).toEqual([]);
    // Not confirmed yet: the password does not sign in.
    const early = await run(signIn.action, post("/auth/sign-in", { email, password: PASSWORD }));
    expect(early.headers.getSetCookie().filter((c) => /auth-token=[^;]/.test(c))).toEqual([]);

    const message = await latestEmail(email, { subject: /Confirm your email/ });
    const confirmed = await pressContinue(linkIn(message.text, "/auth/confirm"));
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("Location")).toBe("/circles/abc?tab=tasks");
    const setCookies = confirmed.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(0);
    for (const cookie of setCookies) {
      expect(cookie).toMatch(/^sb-[\w-]+-auth-token/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
    }
    const rootData = await run(root.loader, get("/", cookiesFrom("", confirmed.headers)));
    expect(rootData.data.user).toEqual({ email, name: "Maria" });
  });

  test("an existing email gets the same answer as a new one, and no email", async () => {
    const { email } = await createAccount();
    const before = (await listEmails(email)).length;
    const result = await run(
      signUp.action,
      post("/auth/sign-up", { displayName: "Again", email, password: PASSWORD }),
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ checkEmail: true, email });
    expect(await listEmails(email)).toHaveLength(before);
  });

  test.each(["//evil.com", "https://evil.com", "/\\evil.com", "javascript:alert(1)"])(
    "redirectTo %j is ignored",
    async (redirectTo) => {
      const result = await run(
        signUp.action,
        post("/auth/sign-up", {
          displayName: "Sam",
          email: uniqueEmail("redirect"),
          password: PASSWORD,
          redirectTo,
        }),
      );
      expect(result.data.checkEmail).toBe(true);
      const link = new URL(linkIn((await latestEmail(result.data.email, { subject: /Confirm/ })).text, "/auth/confirm"));
      const confirmed = await pressContinue(link.toString());
      expect(confirmed.headers.get("Location")).toBe("/");
    },
  );
});

describe("sign in", () => {
  test("bad input answers 400 with field messages", async () => {
    const result = await run(signIn.action, post("/auth/sign-in", { email: "", password: "" }));
    expect(result.status).toBe(400);
    expect(result.data.errors.fieldErrors).toEqual({
      email: ["Email is required"],
      password: ["Password is required"],
    });
  });

  test("a wrong password or unknown email is a form error, and sets no cookie", async () => {
    const { email } = await createAccount();
    for (const fields of [
      { email, password: "wrong password" },
      { email: uniqueEmail("nobody"), password: PASSWORD },
    ]) {
      const result = await run(signIn.action, post("/auth/sign-in", fields));
      expect(result.status).toBe(400);
      expect(result.data.errors.formErrors).toEqual(["Email or password is incorrect"]);
      expect(result.headers.getSetCookie()).toEqual([]);
      expect(result.data.values).toEqual({ email: fields.email });
    }
  });

  test("signs in and goes to a safe redirectTo only", async () => {
    const { email } = await createAccount();
    const good = await run(
      signIn.action,
      post("/auth/sign-in", { email, password: PASSWORD, redirectTo: "/circles/1" }),
    );
    expect(good.status).toBe(302);
    expect(good.headers.get("Location")).toBe("/circles/1");
    expect(await signedInUserEmail(cookiesFrom("", good.headers))).toBe(email);

    for (const redirectTo of ["//evil.com", "https://evil.com/steal", "/\\evil.com"]) {
      const evil = await run(
        signIn.action,
        post("/auth/sign-in", { email, password: PASSWORD, redirectTo }),
      );
      expect(evil.status).toBe(302);
      expect(evil.headers.get("Location")).toBe("/");
    }
  });

  test("the sign-in page sends a signed-in visitor on (safely)", async () => {
    const { cookie } = await createAccount();
    const result = await run(signIn.loader, get("/auth/sign-in?redirectTo=//evil.com", cookie));
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/");
  });

  test("over 10 attempts per email in 15 minutes answers 429", async () => {
    const { email } = await createAccount();
    for (let i = 0; i < 10; i++) {
      // Each from its own address: the email's own limit is what stops the 11th.
      const result = await run(signIn.action, post("/auth/sign-in", { email, password: `nope-${i}` }));
      expect(result.status).toBe(400);
    }
    const blocked = await run(signIn.action, post("/auth/sign-in", { email, password: PASSWORD }));
    expect(blocked.status).toBe(429);
    expect(blocked.data.errors.formErrors).toEqual(["Too many attempts. Try again in 15 minutes."]);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(800);
    expect(blocked.headers.getSetCookie()).toEqual([]);
  });

  test("over 50 attempts from one IP answers 429, whatever the email", async () => {
    const ctx = context();
    for (let i = 0; i < rules.signIn.ipLimit; i++) {
      await run(signIn.action, post("/auth/sign-in", { email: uniqueEmail("ip"), password: "x" }), {}, ctx);
    }
    const blocked = await run(
      signIn.action,
      post("/auth/sign-in", { email: uniqueEmail("ip"), password: "x" }),
      {},
      ctx,
    );
    expect(blocked.status).toBe(429);
    expect(blocked.data.errors.formErrors[0]).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  });
});

describe("sign-in link", () => {
  test("bad input answers 400", async () => {
    const result = await run(signInLink.action, post("/auth/sign-in-link", { email: "nope" }));
    expect(result.status).toBe(400);
    expect(result.data.errors.fieldErrors.email).toEqual([
      "Enter a valid email address, like name@example.com",
    ]);
  });

  test("emails a link that signs in and lands on redirectTo", async () => {
    const { email } = await createAccount();
    const result = await run(
      signInLink.action,
      post("/auth/sign-in-link", { email, redirectTo: "/circles/42" }),
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ sent: true, email });

    const message = await latestEmail(email);
    const link = new URL(linkIn(message.text, "/auth/confirm"));
    expect(link.origin).toBe(new URL(appUrl()).origin);
    expect(link.searchParams.get("token_hash")).toBeTruthy();
    expect(link.searchParams.get("type")).toBe("magiclink");

    // Opening the link (as a mail scanner would, twice) uses nothing up: it shows the button.
    for (let i = 0; i < 2; i++) {
      const opened = await run(confirm.loader, get(link.toString()));
      expect(opened.status).toBe(200);
      expect(opened.data).toMatchObject({ purpose: "sign-in", link: { type: "magiclink", token_hash: expect.any(String) } });
      expect(opened.headers.getSetCookie()).toEqual([]);
    }
    const confirmed = await pressContinue(link.toString());
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("Location")).toBe("/circles/42");
    expect(await signedInUserEmail(cookiesFrom("", confirmed.headers))).toBe(email);

    // Single use: pressing the button of the same link again shows the "expired" page.
    const again = await pressContinue(link.toString());
    expect(again.status).toBe(400);
    expect(again.data).toEqual({ expired: true, recovery: false });
  });

  test("an unknown address gets the same answer and no email", async () => {
    const email = uniqueEmail("unknown");
    const result = await run(signInLink.action, post("/auth/sign-in-link", { email }));
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ sent: true, email });
    expect(await listEmails(email)).toEqual([]);
  });

  test("over 5 requests per email in 15 minutes answers 429", async () => {
    const { email } = await createAccount();
    for (let i = 0; i < 5; i++) {
      expect((await run(signInLink.action, post("/auth/sign-in-link", { email }))).status).toBe(200);
    }
    const blocked = await run(signInLink.action, post("/auth/sign-in-link", { email }));
    expect(blocked.status).toBe(429);
    expect(blocked.data.errors.formErrors).toEqual(["Too many attempts. Try again in 15 minutes."]);
  });
});

describe("confirm", () => {
  test.each([
    ["no token", "/auth/confirm"],
    ["an unknown type", "/auth/confirm?token_hash=abc&type=admin"],
  ])("%s shows the friendly expired page", async (_name, path) => {
    const result = await run(confirm.loader, get(path));
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ link: null, recovery: false });
  });

  test("a wrong token shows the expired page once the button is pressed, and signs nobody in", async () => {
    const result = await pressContinue("/auth/confirm?token_hash=0123456789abcdef&type=magiclink");
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ expired: true, recovery: false });
    expect(result.headers.getSetCookie().filter((c) => /auth-token=[^;]/.test(c))).toEqual([]);
  });

  test("fields sent by hand are checked like the link's", async () => {
    const result = await run(confirm.action, post("/auth/confirm", { token_hash: "abc", type: "admin" }));
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ expired: true, recovery: false });
  });
});

describe("password reset", () => {
  test("the emailed link leads to a page that changes the password", async () => {
    const { email } = await createAccount();
    const requested = await run(forgotPassword.action, post("/auth/forgot-password", { email }));
    expect(requested.data).toEqual({ sent: true, email });

    const link = linkIn((await latestEmail(email)).text, "/auth/confirm");
    expect(new URL(link).searchParams.get("type")).toBe("recovery");
    expect((await run(confirm.loader, get(link))).data.purpose).toBe("recovery");
    const confirmed = await pressContinue(link);
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("Location")).toBe("/auth/reset-password");
    const cookie = cookiesFrom("", confirmed.headers);

    expect((await run(resetPassword.loader, get("/auth/reset-password", cookie))).data).toEqual({
      allowed: true,
    });

    const mismatch = await run(
      resetPassword.action,
      post("/auth/reset-password", { password: "a new password", confirmPassword: "another" }, cookie),
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.data.errors.fieldErrors).toEqual({ confirmPassword: ["The two passwords don't match"] });

    const done = await run(
      resetPassword.action,
      post("/auth/reset-password", { password: "a new password", confirmPassword: "a new password" }, cookie),
    );
    expect(done.status).toBe(200);
    expect(done.data).toEqual({ done: true });

    const oldPassword = await run(signIn.action, post("/auth/sign-in", { email, password: PASSWORD }));
    expect(oldPassword.status).toBe(400);
    const newPassword = await run(
      signIn.action,
      post("/auth/sign-in", { email, password: "a new password" }),
    );
    expect(newPassword.status).toBe(302);
  });

  test("an unknown address gets the same answer", async () => {
    const email = uniqueEmail("unknown");
    const result = await run(forgotPassword.action, post("/auth/forgot-password", { email }));
    expect(result).toMatchObject({ status: 200, data: { sent: true, email } });
    expect(await listEmails(email)).toEqual([]);
  });

  test("a normal session cannot change the password without a reset link", async () => {
    const { cookie } = await createAccount();
    expect((await run(resetPassword.loader, get("/auth/reset-password", cookie))).status).toBe(403);
    const result = await run(
      resetPassword.action,
      post("/auth/reset-password", { password: "hijacked password", confirmPassword: "hijacked password" }, cookie),
    );
    expect(result.status).toBe(403);
  });

  test("over 5 requests per email in 15 minutes answers 429", async () => {
    const email = uniqueEmail("reset-limit");
    for (let i = 0; i < 5; i++) {
      await run(forgotPassword.action, post("/auth/forgot-password", { email }));
    }
    const blocked = await run(forgotPassword.action, post("/auth/forgot-password", { email }));
    expect(blocked.status).toBe(429);
    expect(blocked.data.errors.formErrors).toEqual(["Too many attempts. Try again in 15 minutes."]);
  });
});

describe("session guard and sign out", () => {
  test("requireUser sends a signed-out visitor to sign in, and back afterwards", async () => {
    const result = await run(
      ((args: LoaderFunctionArgs) => requireUser(args.request, args.context)) as Handler,
      get("/circles/7?tab=updates"),
    );
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/auth/sign-in?redirectTo=%2Fcircles%2F7%3Ftab%3Dupdates");
  });

  test("requireUser does not trust a forged cookie", async () => {
    const forged = `sb-127-auth-token=${encodeURIComponent(
      JSON.stringify({ access_token: "forged", refresh_token: "forged", user: { id: "x" } }),
    )}`;
    const result = await run(((args: LoaderFunctionArgs) => requireUser(args.request, args.context)) as Handler, get("/", forged));
    expect(result.status).toBe(302);
  });

  // The access token in the cookie is checked on this server with the project's secret (ADR 007).
  describe("the session cookie's access token", () => {
    const cookieName = () => `sb-${new URL(process.env.SUPABASE_URL!).hostname.split(".")[0]}-auth-token`;
    const cookieOf = (session: Partial<Session>) => `${cookieName()}=${encodeURIComponent(JSON.stringify(session))}`;
    const guard = (async (args: LoaderFunctionArgs) => {
      const { user, headers } = await requireUser(args.request, args.context);
      return data(user, { headers });
    }) as Handler;

    async function realSession() {
      const { id, email } = await createAuthUser({ displayName: "Robin" });
      const { data, error } = await anonClient().auth.signInWithPassword({ email, password: USER_PASSWORD });
      if (error || !data.session) throw error ?? new Error("no session");
      return { id, email, session: data.session };
    }

    /** The claims of `token`, signed again with `secret`, expiring at `exp`. */
    function resign(token: string, secret: string, exp: number) {
      return new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuedAt(exp - 3600)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    }

    /** The claims of `token` signed by the project again (its own key), expiring at `exp`. */
    const expiredCopy = (token: string, exp: number) => projectJwt({ ...decodeJwt(token), iat: exp - 3600 }, { expiresAt: exp });

    const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

    test("a token signed by the auth service is accepted, with the user's name and email", async () => {
      const { id, email, session } = await realSession();
      const result = await run(guard, get("/circles", cookieOf(session)));
      expect(result.status).toBe(200);
      expect(result.data).toEqual({ id, email, user_metadata: expect.objectContaining({ display_name: "Robin" }) });
    });

    test("the app holds no JWT secret: signing keys are checked with the JWKS alone, an HS256 token by the auth server", async () => {
      expect(Object.keys(process.env).filter((name) => /JWT_SECRET/.test(name))).toEqual([]);
      const { id, session } = await realSession();
      // The session ends elsewhere; its access token stays valid until it expires (ADR 007).
      await sql("delete from auth.sessions where id = $1", [decodeJwt(session.access_token).session_id]);
      const result = await run(guard, get("/circles", cookieOf(session)));
      if (decodeProtectedHeader(session.access_token).alg === "ES256") {
        // Verified against the cached JWKS: no question to the auth server, so still this user.
        expect(result.status).toBe(200);
        expect(result.data.id).toBe(id);
      } else {
        // Legacy mode: getClaims() can only ask the auth server, which knows the session is gone.
        expect(result.status).toBe(302);
      }
    });

    test("the same claims signed with another secret are refused", async () => {
      const { session } = await realSession();
      const forged = await resign(session.access_token, "not-the-project-secret-but-just-as-long-0123", inAnHour());
      const result = await run(guard, get("/circles", cookieOf({ ...session, access_token: forged })));
      expect(result.status).toBe(302);
      expect(result.headers.get("Location")).toMatch(/^\/auth\/sign-in/);
    });

    test("the same claims signed with another EC key under the project's kid are refused", async () => {
      const { session } = await realSession();
      const header = decodeProtectedHeader(session.access_token);
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const forged = await new SignJWT(decodeJwt(session.access_token))
        .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: header.kid ?? "no-kid-in-legacy-mode" })
        .sign(privateKey);
      const result = await run(guard, get("/circles", cookieOf({ ...session, access_token: forged })));
      expect(result.status).toBe(302);
    });

    test("a role token (signed by the project, role anon, no user) is refused", async () => {
      const { session } = await realSession();
      const anon = await projectJwt({ iss: "supabase", role: "anon" });
      const result = await run(guard, get("/circles", cookieOf({ ...session, access_token: anon, refresh_token: "none" })));
      expect(result.status).toBe(302);
    });

    test("an expired token is renewed with the refresh token, and the new cookie is sent back", async () => {
      const { id, session } = await realSession();
      const past = Math.floor(Date.now() / 1000) - 60;
      const expired = await expiredCopy(session.access_token, past);
      const result = await run(guard, get("/circles", cookieOf({ ...session, access_token: expired, expires_at: past })));
      expect(result.status).toBe(200);
      expect(result.data.id).toBe(id);
      expect(result.headers.getSetCookie().join("\n")).toContain(`${cookieName()}`);
    });

    test("an expired token whose refresh token was revoked signs the visitor out", async () => {
      const { session } = await realSession();
      const past = Math.floor(Date.now() / 1000) - 60;
      const expired = await expiredCopy(session.access_token, past);
      // Signing out everywhere (from another device) revokes every refresh token of the user.
      const elsewhere = anonClient();
      expect((await elsewhere.auth.setSession(session)).error).toBeNull();
      expect((await elsewhere.auth.signOut({ scope: "global" })).error).toBeNull();
      const result = await run(guard, get("/circles", cookieOf({ ...session, access_token: expired, expires_at: past })));
      expect(result.status).toBe(302);
    });
  });

  test("sign out clears the session cookies", async () => {
    const { cookie } = await createAccount();
    const result = await run(signOut.action, post("/auth/sign-out", {}, cookie));
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/");
    const after = cookiesFrom(cookie, result.headers);
    expect(after).not.toMatch(/auth-token=/);
    expect(await signedInUserEmail(after)).toBeNull();
  });

  test("sign out returns to a same-origin page only", async () => {
    const back = await run(
      signOut.action,
      post("/auth/sign-out", { redirectTo: "/invitations/abc" }, (await createAccount()).cookie),
    );
    expect(back.headers.get("Location")).toBe("/invitations/abc");
    const away = await run(
      signOut.action,
      post("/auth/sign-out", { redirectTo: "https://evil.example/" }, (await createAccount()).cookie),
    );
    expect(away.headers.get("Location")).toBe("/");
  });

  test("GET /auth/sign-out does not sign out", async () => {
    const { cookie } = await createAccount();
    const result = await run(signOut.loader, get("/auth/sign-out", cookie));
    expect(result.status).toBe(302);
    expect(result.headers.getSetCookie()).toEqual([]);
  });
});
