import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rawRequest, startAppServer, type AppServer } from "../helpers/app-server";
import { makeCircle, type Person } from "../helpers/digest-fixture";
import { anonClient, closeSql, createUser, sql } from "../helpers/supabase";
import { unsubscribeToken } from "../helpers/unsubscribe";

// One-click unsubscribe attacked (issue 10 item 10): mail providers' RFC 8058 POSTs carry their own
// Origin; the token is a narrow capability (one email kind, one member of one circle, 90 days) checked
// by the database; no request acts as the member. The app holds no JWT secret or signing key at all
// (ADR 007), so no route could mint a member's JWT.

let server: AppServer;

beforeAll(async () => {
  server = await startAppServer();
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await closeSql();
});

type Prefs = {
  digest_frequency: string;
  frequency_before_off: string | null;
  digest_weekday: number;
  digest_hour: number;
  notify_claimed: boolean;
  notify_released: boolean;
};

async function prefsOf(person: Person): Promise<Prefs | null> {
  const [row] = await sql<Prefs>(
    `select digest_frequency, frequency_before_off, digest_weekday, digest_hour, notify_claimed, notify_released
       from public.email_preferences where member_id = $1`,
    [person.memberId],
  );
  return row ?? null;
}

const defaults = { digest_frequency: "weekly", digest_weekday: 1, digest_hour: 8, notify_claimed: true, notify_released: true };

/** What a mail provider sends (RFC 8058), byte for byte: no cookie, its own Origin (or none). */
function oneClick(token: string, origin?: string) {
  return rawRequest(
    server.port,
    [
      `POST /unsubscribe/${token} HTTP/1.1`,
      `Host: localhost:${server.port}`,
      ...(origin ? [`Origin: ${origin}`] : []),
      "Content-Type: application/x-www-form-urlencoded",
    ].join("\r\n"),
    "List-Unsubscribe=One-Click",
  );
}

const getPage = (token: string) =>
  rawRequest(server.port, `GET /unsubscribe/${token} HTTP/1.1\r\nHost: localhost:${server.port}`);

describe("RFC 8058 one-click POSTs", () => {
  test.each(["https://mail.google.com", "null", undefined])(
    "with Origin %s: 200 and that email is off, without the JWT secret",
    async (origin) => {
      const circle = await makeCircle({ name: "Lena's circle" });
      const sam = await circle.member("Sam", { prefs: { frequency: "daily" } });
      const res = await oneClick(await unsubscribeToken(sam.memberId, "digest"), origin);
      expect(res.status, res.body.slice(0, 300)).toBe(200);
      expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off", frequency_before_off: "daily" });
    },
  );

  test("the page (GET) works without the JWT secret and changes nothing", async () => {
    const circle = await makeCircle({ name: "Lena's circle" });
    const sam = await circle.member("Sam", { prefs: { frequency: "daily" } });
    const res = await getPage(await unsubscribeToken(sam.memberId, "claimed"));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/Stop (<!-- -->)?emails when someone claims a task(<!-- -->)? from (<!-- -->)?<strong>Lena&#x27;s circle<\/strong>\?/);
    expect(await prefsOf(sam)).toMatchObject({ notify_claimed: true, digest_frequency: "daily" });
  });
});

describe("an expired token (sent more than 90 days ago)", () => {
  test("shows a page that leads to the email settings after sign-in, and changes nothing", async () => {
    const circle = await makeCircle();
    const sam = await circle.member("Sam", { prefs: { frequency: "daily" } });
    const old = await unsubscribeToken(sam.memberId, "digest", new Date(Date.now() - 91 * 86_400_000));
    const recent = await unsubscribeToken(sam.memberId, "digest", new Date(Date.now() - 89 * 86_400_000));

    const page = await getPage(old);
    expect(page.status).toBe(410);
    expect(page.body).toContain("This unsubscribe link has expired");
    expect(page.body).toContain(`href="/circles/${circle.circleId}/notifications"`);

    const post = await oneClick(old, "https://mail.google.com");
    expect(post.status).toBe(410);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "daily" });

    // The settings link asks for a sign-in and comes back to the settings.
    const settings = await rawRequest(
      server.port,
      `GET /circles/${circle.circleId}/notifications HTTP/1.1\r\nHost: localhost:${server.port}`,
    );
    expect(settings.status).toBe(302);
    expect(decodeURIComponent(settings.headers.location)).toBe(`/auth/sign-in?redirectTo=/circles/${circle.circleId}/notifications`);

    // 89 days old: still good.
    expect((await oneClick(recent)).status).toBe(200);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off" });
  });
});

describe("a token stops one email of one member in one circle, and nothing else", () => {
  test("another member's, another circle's and the other settings are untouched", async () => {
    const circle = await makeCircle({ name: "Lena's circle" });
    const other = await makeCircle({ name: "Omar's circle" });
    const sam = await circle.member("Sam", { prefs: { frequency: "daily", hour: 18, weekday: 3 } });
    const ana = await circle.member("Ana", { prefs: { frequency: "daily" } });
    // Sam in a second circle: a membership of its own, which Sam's token for the first cannot reach.
    const [{ id: elsewhereId }] = await sql<{ id: string }>(
      `insert into public.circle_members (circle_id, user_id, role, relationship, label) values ($1, $2, 'supporter', 'friend', 'Sam') returning id`,
      [other.circleId, sam.userId],
    );
    const samElsewhere: Person = { ...sam, memberId: elsewhereId };
    await sql(`insert into public.email_preferences (member_id, circle_id, digest_frequency) values ($1, $2, 'daily')`, [
      elsewhereId,
      other.circleId,
    ]);

    expect((await oneClick(await unsubscribeToken(sam.memberId, "claimed"))).status).toBe(200);
    expect(await prefsOf(sam)).toEqual({
      ...defaults,
      digest_frequency: "daily",
      digest_hour: 18,
      digest_weekday: 3,
      frequency_before_off: null,
      notify_claimed: false,
    });
    expect(await prefsOf(ana)).toMatchObject({ digest_frequency: "daily", notify_claimed: true, notify_released: true });
    expect(await prefsOf(samElsewhere)).toMatchObject({ digest_frequency: "daily", notify_claimed: true });
    expect(await prefsOf(circle.owner)).toBeNull();
  });

  test("splicing another member's id into a genuine token does not make a token for them", async () => {
    const circle = await makeCircle();
    const sam = await circle.member("Sam", { prefs: { frequency: "daily" } });
    const ana = await circle.member("Ana", { prefs: { frequency: "daily" } });
    const raw = Buffer.from(await unsubscribeToken(sam.memberId, "digest"), "base64url");
    Buffer.from(ana.memberId.replaceAll("-", ""), "hex").copy(raw, 2);
    const spliced = raw.toString("base64url");
    expect((await oneClick(spliced)).status).toBe(404);
    // Another purpose, a later expiry: the same.
    const other = Buffer.from(await unsubscribeToken(sam.memberId, "digest"), "base64url");
    other[1] = 1;
    other.writeBigInt64BE(other.readBigInt64BE(18) + 86_400_000n, 18);
    expect((await oneClick(other.toString("base64url"))).status).toBe(404);
    expect(await prefsOf(ana)).toMatchObject({ digest_frequency: "daily" });
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "daily", notify_claimed: true });
  });

  test("turning an email back on is not something the token does", async () => {
    const circle = await makeCircle();
    const sam = await circle.member("Sam", { prefs: { frequency: "off" } });
    const token = await unsubscribeToken(sam.memberId, "digest");
    const res = await rawRequest(
      server.port,
      [`POST /unsubscribe/${token} HTTP/1.1`, `Host: localhost:${server.port}`, "Content-Type: application/x-www-form-urlencoded"].join("\r\n"),
      "intent=resubscribe",
    );
    expect(res.status).toBe(400);
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "off" });
  });
});

describe("forged and tampered tokens", () => {
  test("every single-bit change, a cut or an extension is refused by the database", async () => {
    const circle = await makeCircle();
    const sam = await circle.member("Sam", { prefs: { frequency: "daily" } });
    const token = await unsubscribeToken(sam.memberId, "digest");
    const raw = Buffer.from(token, "base64url");
    const peek = async (candidate: string) =>
      (await anonClient().rpc("unsubscribe_peek", { p_token: candidate })).data as { status: string };
    expect(await peek(token)).toMatchObject({ status: "ok" });
    const forged: string[] = [token.slice(0, -1), `${token}A`, "A".repeat(56), "", "../../etc/passwd"];
    for (let i = 0; i < raw.length; i++) {
      const altered = Buffer.from(raw);
      altered[i] ^= 0x01;
      forged.push(altered.toString("base64url"));
    }
    for (const candidate of forged) expect(await peek(candidate), candidate).toEqual({ status: "invalid" });
    for (const candidate of [...forged.slice(0, 3), ...forged.slice(5, 10)]) {
      expect((await oneClick(candidate)).status, candidate).toBe(404);
    }
    expect(await prefsOf(sam)).toMatchObject({ digest_frequency: "daily" });
  });

  test("neither the signed-out key nor a member can mint tokens or read the key", async () => {
    const circle = await makeCircle();
    const sam = await circle.member("Sam");
    const member = await createUser();
    for (const client of [anonClient(), member.client]) {
      const mint = await client.rpc("email_unsubscribe_tokens", { p_requests: [{ member_id: sam.memberId, purpose: "digest" }] });
      expect(mint.error?.code, JSON.stringify(mint)).toBe("42501");
      expect(mint.data).toBeNull();
      const key = await client.schema("private").from("unsubscribe_keys").select("*");
      expect(key.data).toBeNull();
      expect(key.error).not.toBeNull();
    }
  });
});
