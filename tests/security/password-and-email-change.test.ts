import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { resetRateLimits } from "~/rate-limit.server";
import * as confirm from "~/routes/auth.confirm";
import { latestEmail, linkIn, listEmails } from "../helpers/mailbox";
import { post, run } from "../helpers/routes";
import { anonClient, closeSql, createAuthUser, env, PASSWORD, sql, uniqueEmail } from "../helpers/supabase";

// Issue 10 item 7. With only a session's access token, `PUT /auth/v1/user {password}` changed the
// password, and an email change was confirmed from the new address alone although config.toml says
// double_confirm_changes. Now, as Supabase Auth does: secure_password_change asks a session signed in
// more than 24 hours ago for the code of a reauthentication email, and an email change needs the link
// sent to the current address as well as the one sent to the new address.

const NEW_PASSWORD = "a brand new passphrase";

beforeEach(() => resetRateLimits());
afterAll(() => closeSql());

async function signedIn(email: string) {
  const client: SupabaseClient = createClient(env("SUPABASE_URL"), env("SUPABASE_PUBLISHABLE_KEY"), {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
  const { data, error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return { client, accessToken: data.session.access_token, userId: data.user.id };
}

/** The session was signed in 25 hours ago (a token stolen from a phone left signed in). */
async function ageSessions(userId: string) {
  await sql(`update auth.sessions set created_at = now() - interval '25 hours' where user_id = $1`, [userId]);
}

function putUser(accessToken: string, body: Record<string, unknown>) {
  return fetch(`${env("SUPABASE_URL")}/auth/v1/user`, {
    method: "PUT",
    headers: {
      apikey: env("SUPABASE_PUBLISHABLE_KEY"),
      authorization: `Bearer ${accessToken}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

const passwordWorks = async (email: string, password: string) =>
  !(await anonClient().auth.signInWithPassword({ email, password })).error;

describe("secure_password_change: an old session alone cannot change the password", () => {
  test("raw HTTP with only the access token is refused with reauthentication_needed", async () => {
    const { email } = await createAuthUser();
    const { accessToken, userId } = await signedIn(email);
    await ageSessions(userId);

    const res = await putUser(accessToken, { password: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: "reauthentication_needed" });
    expect(await passwordWorks(email, PASSWORD)).toBe(true);
    expect(await passwordWorks(email, NEW_PASSWORD)).toBe(false);
  });

  test("a made-up nonce is refused and changes nothing", async () => {
    const { email } = await createAuthUser();
    const { accessToken, userId } = await signedIn(email);
    await ageSessions(userId);

    const guessed = await putUser(accessToken, { password: NEW_PASSWORD, nonce: "123456" });
    expect(guessed.status).toBe(422);
    expect(await guessed.json()).toMatchObject({ error_code: "reauthentication_not_valid" });
    expect(await passwordWorks(email, PASSWORD)).toBe(true);
  });

  test("the emailed code (supabase-js reauthenticate) lets the owner of the mailbox change it, once", async () => {
    const { email } = await createAuthUser();
    const { client, userId } = await signedIn(email);
    await ageSessions(userId);

    const asked = await client.auth.updateUser({ password: NEW_PASSWORD });
    expect(asked.error).toMatchObject({ code: "reauthentication_needed" });

    expect((await client.auth.reauthenticate()).error).toBeNull();
    const message = await latestEmail(email, { subject: /confirmation code|reauthentication/i });
    expect(message.text).not.toMatch(/https?:\/\//);
    const nonce = /\b(\d{6})\b/.exec(message.text)![1];

    const changed = await client.auth.updateUser({ password: NEW_PASSWORD, nonce });
    expect(changed.error).toBeNull();
    expect(await passwordWorks(email, NEW_PASSWORD)).toBe(true);

    const again = await client.auth.updateUser({ password: "yet another passphrase", nonce });
    expect(again.error).toMatchObject({ code: "reauthentication_not_valid" });
  });

  test("a sign-in within 24 hours changes it without a code, as Supabase Auth allows", async () => {
    const { email } = await createAuthUser();
    const { accessToken } = await signedIn(email);

    const res = await putUser(accessToken, { password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(await passwordWorks(email, NEW_PASSWORD)).toBe(true);
  });
});

/** The token hash of the email-change link that went to `to`. */
async function emailChangeLink(to: string) {
  const message = await latestEmail(to, { subject: /email change|new email address/i });
  const link = new URL(linkIn(message.text, "/auth/confirm"));
  expect(link.searchParams.get("type")).toBe("email_change");
  return link.searchParams.get("token_hash")!;
}

const currentEmail = async (userId: string) =>
  (await sql<{ email: string }>(`select email from auth.users where id = $1`, [userId]))[0].email;

describe("double_confirm_changes: an email change is confirmed from both addresses", () => {
  test("the new address alone does not take the account; the current address's link completes it", async () => {
    const { email } = await createAuthUser();
    const { accessToken, userId } = await signedIn(email);
    const attackerAddress = uniqueEmail("attacker");

    expect((await putUser(accessToken, { email: attackerAddress })).status).toBe(200);
    const toNew = await emailChangeLink(attackerAddress);
    const toCurrent = await emailChangeLink(email);
    expect(toNew).not.toBe(toCurrent);
    expect((await listEmails(email))[0].text).toContain(attackerAddress);

    const first = await anonClient().auth.verifyOtp({ token_hash: toNew, type: "email_change" });
    expect(first.error).toBeNull();
    expect(first.data.session).toBeNull();
    expect(await currentEmail(userId)).toBe(email);

    const reused = await anonClient().auth.verifyOtp({ token_hash: toNew, type: "email_change" });
    expect(reused.error).not.toBeNull();
    expect(await currentEmail(userId)).toBe(email);

    const second = await anonClient().auth.verifyOtp({ token_hash: toCurrent, type: "email_change" });
    expect(second.error).toBeNull();
    expect(second.data.session?.user.email).toBe(attackerAddress);
    expect(await currentEmail(userId)).toBe(attackerAddress);
  });

  test("through the app's confirm page: the first link asks for the other address, the second signs in", async () => {
    const { email } = await createAuthUser();
    const { accessToken, userId } = await signedIn(email);
    const newAddress = uniqueEmail("moved");
    expect((await putUser(accessToken, { email: newAddress })).status).toBe(200);

    const first = await run(confirm.action, post("/auth/confirm", { token_hash: await emailChangeLink(email), type: "email_change" }));
    expect(first.status).toBe(200);
    expect(first.data).toEqual({ otherAddressNext: true });
    expect(await currentEmail(userId)).toBe(email);

    const second = await run(
      confirm.action,
      post("/auth/confirm", { token_hash: await emailChangeLink(newAddress), type: "email_change" }),
    );
    expect(second.status).toBe(302);
    expect(second.headers.getSetCookie().some((c) => /auth-token=[^;]/.test(c))).toBe(true);
    expect(await currentEmail(userId)).toBe(newAddress);
  });
});
