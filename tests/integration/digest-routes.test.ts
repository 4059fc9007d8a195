import { afterAll, afterEach, describe, expect, test, vi } from "vitest";
import * as unsubscribe from "~/routes/unsubscribe.$token";
import { checkRequest } from "~/security.server";
import { makeCircle, type Person } from "../helpers/digest-fixture";
import { closeSql, sql } from "../helpers/supabase";
import { appUrl, run } from "../helpers/routes";
import { unsubscribeToken } from "../helpers/unsubscribe";

// The RFC 8058 one-click unsubscribe route (POST without cookies or Origin, forged tokens refused,
// GET only shows a page) and the cron route's bearer token. The attacks on the token itself are in
// tests/security/unsubscribe.test.ts.

afterAll(closeSql);

/** What a mail provider sends: no cookie, no Origin, the RFC 8058 body. */
function oneClick(token: string) {
  return new Request(new URL(`/unsubscribe/${token}`, appUrl()), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
}

function formPost(token: string, intent: string) {
  const body = new FormData();
  body.append("intent", intent);
  return new Request(new URL(`/unsubscribe/${token}`, appUrl()), { method: "POST", body });
}

const page = (token: string) => run(unsubscribe.loader, new Request(new URL(`/unsubscribe/${token}`, appUrl())), { token });

async function prefsOf(person: Person) {
  const [row] = await sql<{ digest_frequency: string; frequency_before_off: string | null; notify_claimed: boolean }>(
    `select digest_frequency, frequency_before_off, notify_claimed from public.email_preferences where member_id = $1`,
    [person.memberId],
  );
  return row ?? null;
}

async function member(prefs?: { frequency?: "daily" | "weekly" | "off" }) {
  const circle = await makeCircle({ name: "Lena's circle" });
  const sam = await circle.member("Sam", { role: "coordinator", prefs });
  return { circle, sam, token: await unsubscribeToken(sam.memberId, "digest") };
}

describe("POST /unsubscribe/:token (RFC 8058 one-click)", () => {
  test("the origin check lets it through without an Origin, and only it (and the cron route)", () => {
    const base = { method: "POST", origin: undefined, referer: undefined, appUrl: appUrl() };
    expect(checkRequest({ ...base, path: "/unsubscribe/abc" })).toEqual({ ok: true });
    expect(checkRequest({ ...base, path: "/cron/digest" })).toEqual({ ok: true });
    expect(checkRequest({ ...base, path: "/circles/x/notifications" })).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ ...base, path: "/unsubscribe" })).toMatchObject({ ok: false, status: 403 });
  });

  test("without cookies, a valid token turns that member's digest off (and remembers what it was)", async () => {
    const { sam, token } = await member({ frequency: "daily" });
    const result = await run(unsubscribe.action, oneClick(token), { token });
    expect(result.status).toBe(200);
    expect(result.data).toMatchObject({ done: true, error: null, state: { status: "ok", on: false } });
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off", frequency_before_off: "daily" });

    // Providers may POST twice: still off, still remembering daily.
    expect((await run(unsubscribe.action, oneClick(token), { token })).status).toBe(200);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off", frequency_before_off: "daily" });
  });

  test("a member on the defaults (no row yet) is turned off too", async () => {
    const { sam, token } = await member();
    expect(await prefsOf(sam)).toBeNull();
    expect((await run(unsubscribe.action, oneClick(token), { token })).status).toBe(200);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off", frequency_before_off: "weekly" });
  });

  test("a forged or malformed token is refused and changes nothing", async () => {
    const { sam } = await member({ frequency: "daily" });
    for (const token of ["AQAAAAAAAABAAIAAAAAAAAADAAAAAAAAQACQAAAAAAAAAeQfNBMPer7VSI7X80ZgtTIAAAAAAAAA", "nonsense"]) {
      const result = await run(unsubscribe.action, oneClick(token), { token });
      expect(result.status).toBe(404);
      expect((await page(token)).data).toEqual({ state: { status: "invalid" }, done: false });
    }
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "daily" });
  });

  test("a notice token turns that notice off, and nothing else", async () => {
    const { sam } = await member({ frequency: "weekly" });
    const token = await unsubscribeToken(sam.memberId, "claimed");
    expect((await run(unsubscribe.action, oneClick(token), { token })).status).toBe(200);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "weekly", notify_claimed: false });
  });

  test("someone no longer in the circle: nothing to change, and the page says so", async () => {
    const { sam, token } = await member({ frequency: "daily" });
    await sql(`update public.circle_members set status = 'left', ended_at = now() where id = $1`, [sam.memberId]);
    expect((await run(unsubscribe.action, oneClick(token), { token })).status).toBe(200);
    expect((await page(token)).data).toMatchObject({ state: { status: "not_member" } });
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "daily" });
  });
});

describe("GET /unsubscribe/:token", () => {
  test("shows the choice and changes nothing; the page's button unsubscribes; turning it back on is not the token's", async () => {
    const { sam, token } = await member({ frequency: "daily" });
    expect((await page(token)).data).toMatchObject({
      state: { status: "ok", circle_name: "Lena's circle", on: true, purpose: "digest" },
    });
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "daily" });

    await run(unsubscribe.action, formPost(token, "unsubscribe"), { token });
    expect((await page(token)).data).toMatchObject({ state: { on: false } });

    expect((await run(unsubscribe.action, formPost(token, "resubscribe"), { token })).status).toBe(400);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off", frequency_before_off: "daily" });
  });
});

describe("POST /cron/digest", () => {
  const original = { ...process.env };
  afterEach(() => {
    process.env = { ...original };
    vi.resetModules();
  });

  async function cronRoute(secret: string) {
    process.env.CRON_SECRET = secret;
    vi.resetModules();
    return import("~/routes/cron.digest");
  }
  const call = (authorization?: string) =>
    new Request(new URL("/cron/digest?dry-run=1", appUrl()), {
      method: "POST",
      headers: authorization ? { Authorization: authorization } : {},
    });

  test("is off without CRON_SECRET", async () => {
    const route = await cronRoute("");
    expect((await run(route.action, call("Bearer anything-at-all-here"))).status).toBe(404);
  });

  test("refuses a missing or wrong bearer token, runs the job with the right one", async () => {
    const secret = "cron-secret-for-the-tests-0123456789";
    const route = await cronRoute(secret);
    expect((await run(route.action, call())).status).toBe(401);
    expect((await run(route.action, call(`Bearer ${secret}x`))).status).toBe(401);
    expect((await run(route.action, call(secret))).status).toBe(401);
    const ok = await run(route.action, call(`Bearer ${secret}`));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.data)).toMatchObject({ dryRun: true, digests: { sent: 0 }, batches: [] });
    expect((await run(route.loader, new Request(new URL("/cron/digest", appUrl())))).status).toBe(405);
  });
});
