import { createClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as signIn from "~/routes/auth.sign-in";
import { readProjectConfig } from "../../supabase/local/config";
import { startAuthService, type AuthEmail } from "../../supabase/local/auth/server";
import { startGateway } from "../../supabase/local/gateway";
import { createMailbox } from "../../supabase/local/mailbox";
import { post, run } from "../helpers/routes";
import { closeSql, createAuthUser, env, projectJwt, projectSigningKey, sql, uniqueEmail } from "../helpers/supabase";

// Issue 10 item 6. 400 wrong 6-digit codes went through /auth/v1/verify at 75 a second with no
// refusal, and 30 wrong passwords were all answered: the app's own limit was bypassed with the public
// key. The local auth service now applies [auth.rate_limit] of supabase/config.toml as Supabase Auth
// does, with its 429s. The whole suite runs with the limits off (it all comes from 127.0.0.1), so this
// file starts its own auth service and gateway, with config.toml's limits and a clock it moves.

const limits = readProjectConfig().auth.rate_limit;
const inTenYears = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
let clock = new Date();
const sent: AuthEmail[] = [];
let stopAll: () => Promise<void>;
let gatewayUrl: string;
let authUrl: string;

beforeAll(async () => {
  const databaseUrl = env("DATABASE_URL");
  const auth = await startAuthService({
    port: 0,
    databaseUrl,
    signingKey: projectSigningKey(),
    siteUrl: env("APP_URL"),
    externalUrl: "http://127.0.0.1:1/auth/v1",
    rateLimits: limits,
    sendEmail: async (email) => void sent.push(email),
    now: () => clock,
  });
  const gateway = await startGateway({
    port: 0,
    restPort: 1, // never reached: these tests only talk to /auth/v1
    authPort: auth.port,
    apiKeys: new Map([
      // The role tokens this file's clock never outlives.
      [env("SUPABASE_PUBLISHABLE_KEY"), await projectJwt({ role: "anon" }, { expiresAt: inTenYears })],
      [env("SUPABASE_SECRET_KEY"), await projectJwt({ role: "service_role" }, { expiresAt: inTenYears })],
    ]),
    serviceKeys: [env("SUPABASE_SECRET_KEY")],
    mailbox: createMailbox(databaseUrl),
  });
  gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  authUrl = `http://127.0.0.1:${auth.port}`;
  stopAll = async () => {
    await gateway.stop();
    await auth.stop();
  };
});
afterAll(async () => {
  await stopAll?.();
  await closeSql();
});

// Each test starts from full buckets: the limiter forgets what happened an hour ago.
beforeEach(() => {
  clock = new Date(clock.getTime() + 2 * 60 * 60_000);
  sent.length = 0;
  resetRateLimits();
});

/** Raw HTTP through the gateway with the public key, as an attacker sends it. */
function attack(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${gatewayUrl}/auth/v1${path}`, {
    method: "POST",
    headers: {
      apikey: env("SUPABASE_PUBLISHABLE_KEY"),
      "content-type": "application/json",
      "x-supabase-api-version": "2024-01-01",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

async function statuses(count: number, send: (i: number) => Promise<Response>) {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await send(i);
    seen.push(res.status);
    await res.body?.cancel();
  }
  return seen;
}

const wrongCode = (i: number) => String(100000 + i);

describe("token verifications: guessing an emailed code", () => {
  test("400 wrong codes: 30 are answered, the rest get 429 over_request_rate_limit, and so does the right code", async () => {
    const { email } = await createAuthUser();
    expect((await attack("/otp", { email, create_user: false })).status).toBe(200);
    const code = /\b(\d{6})\b/.exec(sent.at(-1)!.text)![1];

    const seen = await statuses(400, (i) => attack("/verify", { type: "email", email, token: wrongCode(i) }));
    expect(seen.slice(0, 30).every((status) => status === 403)).toBe(true);
    expect(seen.slice(30).every((status) => status === 429)).toBe(true);

    const refused = await attack("/verify", { type: "email", email, token: code });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ code: "over_request_rate_limit", message: "Request rate limit reached" });
  });

  test("the budget comes back at token_verifications per 5 minutes, so guessing stays slow", async () => {
    const { email } = await createAuthUser();
    await statuses(30, (i) => attack("/verify", { type: "email", email, token: wrongCode(i) }));
    expect((await attack("/verify", { type: "email", email, token: "000000" })).status).toBe(429);

    clock = new Date(clock.getTime() + 10_000); // 30 per 5 minutes: one try per 10 s
    expect((await attack("/verify", { type: "email", email, token: "000001" })).status).toBe(403);
    expect((await attack("/verify", { type: "email", email, token: "000002" })).status).toBe(429);
    expect(limits.token_verifications).toBe(30);
  });

  test("a client cannot reset its budget with its own X-Forwarded-For: the gateway sets it", async () => {
    const { email } = await createAuthUser();
    const seen = await statuses(40, (i) =>
      attack("/verify", { type: "email", email, token: wrongCode(i) }, { "x-forwarded-for": `10.0.0.${i}` })
    );
    expect(seen.filter((status) => status === 429)).toHaveLength(10);
  });
});

describe("sign-ins: guessing a password", () => {
  test("the 31st wrong password in a row is refused with 429, through supabase-js too", async () => {
    const { email } = await createAuthUser();
    const seen = await statuses(30, (i) => attack("/token?grant_type=password", { email, password: `guess ${i}` }));
    expect(seen.every((status) => status === 400)).toBe(true);

    const client = createClient(gatewayUrl, env("SUPABASE_PUBLISHABLE_KEY"), {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
    });
    const { error } = await client.auth.signInWithPassword({ email, password: "guess 31" });
    expect(error).toMatchObject({ status: 429, code: "over_request_rate_limit" });
  });

  test("each client address has its own budget", async () => {
    const { email } = await createAuthUser();
    // Straight to the auth service, as Supabase's edge forwards each client's address.
    const from = (address: string) =>
      fetch(`${authUrl}/token?grant_type=password`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ email, password: "wrong" }),
      });
    const first = await statuses(31, () => from("203.0.113.1"));
    expect(first.at(-1)).toBe(429);
    expect((await from("203.0.113.2")).status).toBe(400);
  });

  test("the app's sign-in form says to wait, not that the password is wrong, when Supabase Auth refuses", async () => {
    const { email } = await createAuthUser();
    await statuses(30, (i) => attack("/token?grant_type=password", { email, password: `guess ${i}` }));

    process.env.SUPABASE_URL = gatewayUrl; // the app's server client talks to this service from here on
    const result = await run(signIn.action, post("/auth/sign-in", { email, password: "one more guess" }));
    expect(result.status).toBe(429);
    expect(result.data.errors.formErrors).toEqual(["Too many attempts just now. Please wait a few minutes and try again."]);
  });
});

describe("sign-ups and emails", () => {
  test("sign-ups from one address: the 31st gets 429 and creates no account", async () => {
    const emails = Array.from({ length: 31 }, () => uniqueEmail("flood"));
    const seen = await statuses(31, (i) => attack("/signup", { email: emails[i], password: "a long enough password" }));
    expect(seen.slice(0, 30).every((status) => status === 200)).toBe(true);
    expect(seen[30]).toBe(429);
    expect(await sql("select 1 from auth.users where email = $1", [emails[30]])).toHaveLength(0);
  });

  test("email_sent per hour for the whole project: the next email is refused with over_email_send_rate_limit", async () => {
    const { email } = await createAuthUser();
    // From many addresses, so that only the email limit applies.
    const recover = (i: number) =>
      fetch(`${authUrl}/recover`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i}` },
        body: JSON.stringify({ email }),
      });
    const seen = await statuses(limits.email_sent, recover);
    expect(seen.every((status) => status === 200)).toBe(true);

    const refused = await recover(200);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error_code: "over_email_send_rate_limit", msg: "email rate limit exceeded" });
    expect(sent).toHaveLength(limits.email_sent);

    clock = new Date(clock.getTime() + 60 * 60_000);
    expect((await recover(201)).status).toBe(200);
    expect(sent).toHaveLength(limits.email_sent + 1);
  });
});
