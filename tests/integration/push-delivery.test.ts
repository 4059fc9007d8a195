import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runEmailJob, type EmailJobOptions } from "~/jobs/email-job.server";
import { at, days, hours, makeCircle, minutes, type Person, type TestCircle } from "../helpers/digest-fixture";
import { closeSql, sql } from "../helpers/supabase";
import { resendHandlers, resetResendMock, sentEmails } from "../mocks/resend";
import {
  checkVapid,
  decryptPush,
  failNextPushes,
  newDevice,
  pushRequests,
  pushServiceHandlers,
  resetPushService,
  setPushDelay,
  type Device,
} from "../mocks/push-service";

// Web Push sent by the email job (issue 13), against the real local stack, with the push service (a
// third party) answered by msw: who gets a push (the email functions' recipients, so the consent rule
// and the preferences), what it says (decrypted here with the device's private key: never a health or
// wellbeing title, place or note), the headers a push service needs (TTL, VAPID, aes128gcm), its
// failures (404/410 remove the subscription, 429 waits, 5xx later), and once per device and event when
// two jobs overlap or one dies after sending.

process.env.RESEND_API_KEY = "re_test_push_delivery";

const server = setupServer(...resendHandlers, ...pushServiceHandlers);
const waits: number[] = [];
const fakeSleep = async (ms: number) => {
  waits.push(ms);
};

beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
beforeEach(() => {
  resetResendMock();
  resetPushService();
  waits.length = 0;
});
afterAll(async () => {
  server.close();
  await closeSql();
});

function job(circles: TestCircle[], now: Date, extra: Partial<EmailJobOptions> = {}) {
  return runEmailJob({
    now,
    circleIds: circles.map((c) => c.circleId),
    streams: 1,
    send: { sleep: fakeSleep, timeoutMs: 2_000 },
    push: { sleep: fakeSleep, timeoutMs: 2_000 },
    ...extra,
  });
}

/** What the notifications page stores when a member turns push on (app/push/subscriptions.server.ts). */
async function addDevice(person: Person, circleId: string, device = newDevice()): Promise<Device> {
  await sql(
    `insert into public.push_subscriptions (member_id, circle_id, endpoint, p256dh, auth, device_label)
     values ($1, $2, $3, $4, $5, 'Chrome on Android')`,
    [person.memberId, circleId, device.endpoint, device.p256dh, device.auth],
  );
  return device;
}

const to = (device: Device) => pushRequests.filter((r) => r.endpoint === device.endpoint);

function messageTo(device: Device) {
  const requests = to(device).filter((r) => r.status === 201);
  expect(requests).toHaveLength(1);
  return JSON.parse(decryptPush(requests[0].body, device)) as { title: string; body: string; url: string; tag: string };
}

async function pushRows(circleId: string) {
  return sql<{ kind: string; status: string; member_id: string; subscription_id: string; has_payload: boolean; last_error: string | null }>(
    `select kind, status, member_id, subscription_id, payload is not null as has_payload, last_error
       from private.email_deliveries where circle_id = $1 and subscription_id is not null order by id`,
    [circleId],
  );
}

const HEALTH_WORDS = /Therapy|Riverside|Elm Street|clinic|dosage|panic/i;

describe("who gets a push, and what it says", () => {
  test("a claim: each device of the person and of coordinators who may see the task; the kind of help and when, nothing of a health task", async () => {
    const now = new Date();
    const circle = await makeCircle();
    const coordinator = await circle.member("Cora", { role: "coordinator", categories: ["practical", "health"] });
    const blind = await circle.member("Ben", { role: "coordinator", categories: ["practical"] });
    const helper = await circle.member("Sam", { categories: ["practical", "health"] });
    const phone = await addDevice(circle.owner, circle.circleId);
    const laptop = await addDevice(circle.owner, circle.circleId);
    const coraPhone = await addDevice(coordinator, circle.circleId);
    const benPhone = await addDevice(blind, circle.circleId);
    const samPhone = await addDevice(helper, circle.circleId);
    const taskId = await circle.task({
      title: "Therapy at Riverside clinic",
      kind: "ride",
      category: "health",
      location: "4 Elm Street",
      startsAt: at(now, days(2)),
    });
    await circle.claim(taskId, helper);

    const report = await job([circle], now, { phases: ["notices"] });
    expect(report.pushes).toMatchObject({ considered: 3, sent: 3, taken: 0, gone: 0, rejected: 0, retry: 0 });
    // Ben may not see health tasks: no email, no push. Sam claimed it: told nothing.
    expect(to(benPhone)).toEqual([]);
    expect(to(samPhone)).toEqual([]);
    expect(sentEmails.map((e) => e.to).sort()).toEqual([circle.owner.email, coordinator.email].sort());

    for (const device of [phone, laptop, coraPhone]) {
      const message = messageTo(device);
      expect(message.title).toBe("Sam will help with “A ride”");
      expect(message.body).toMatch(/^\w{3} \d{1,2} \w{3}.* · Maria's circle$/);
      expect(message.url).toBe(`/circles/${circle.circleId}/tasks/${taskId}`);
      expect(message.tag).toMatch(new RegExp(`^claimed/${circle.circleId}/\\d+$`));
      expect(JSON.stringify(message)).not.toMatch(HEALTH_WORDS);
    }

    const [request] = to(phone);
    expect(request.headers["content-encoding"]).toBe("aes128gcm");
    expect(request.headers["content-type"]).toBe("application/octet-stream");
    expect(request.headers.urgency).toBe("normal");
    expect(request.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const ttl = Number(request.headers.ttl);
    expect(ttl).toBeGreaterThan(hours(23) / 1000);
    expect(ttl).toBeLessThanOrEqual(86_400);
    expect(checkVapid(request.headers.authorization, request.endpoint, process.env.VAPID_PUBLIC_KEY!)).toMatchObject({
      keyIsOurs: true,
      signed: true,
      alg: "ES256",
      audienceOk: true,
      sub: process.env.VAPID_SUBJECT,
    });
    expect(checkVapid(request.headers.authorization, request.endpoint, process.env.VAPID_PUBLIC_KEY!).expiresInSeconds).toBeLessThanOrEqual(86_400);
    // The payload as a whole is encrypted: no word of it on the wire.
    expect(Buffer.from(request.body).toString("latin1")).not.toContain("A ride");

    const rows = await pushRows(circle.circleId);
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.kind === "push_task_claimed" && row.status === "sent" && !row.has_payload)).toBe(true);

    // Once: the next run has nothing to send.
    const again = await job([circle], at(now, minutes(10)));
    expect(again.pushes.sent).toBe(0);
    expect(pushRequests).toHaveLength(3);
  });

  test("the same preferences as email: a coordinator who turned claim emails off gets no push either", async () => {
    const now = new Date();
    const circle = await makeCircle({ ownerPrefs: { notifyClaimed: false } });
    const helper = await circle.member("Sam");
    const phone = await addDevice(circle.owner, circle.circleId);
    await circle.claim(await circle.task({ title: "Bring dinner", kind: "meal", startsAt: at(now, days(1)) }), helper);

    const report = await job([circle], now, { phases: ["notices"] });
    expect(report.pushes.considered).toBe(0);
    expect(to(phone)).toEqual([]);
  });

  test("a short-notice release, the day-before reminder and the open tasks of a digest", async () => {
    const now = new Date("2026-12-07T12:00:00Z"); // a Monday, after the default 8:00 digest hour
    const circle = await makeCircle({ ownerPrefs: { frequency: "off" } });
    const helper = await circle.member("Sam", { categories: ["practical", "wellbeing"], prefs: { frequency: "off" } });
    const other = await circle.member("Ola", { categories: ["practical", "wellbeing"], prefs: { frequency: "daily", hour: 8 } });
    const ownerPhone = await addDevice(circle.owner, circle.circleId);
    const samPhone = await addDevice(helper, circle.circleId);
    const olaPhone = await addDevice(other, circle.circleId);
    const tomorrow = await circle.task({ title: "Panic plan walk", kind: "visit", category: "wellbeing", location: "Elm Street park", startsAt: at(now, hours(22)) });
    await circle.claim(tomorrow, helper, at(now, -days(1)));
    await circle.task({ title: "Groceries", kind: "errand", startsAt: at(now, days(3)) });
    // A release by the helper themselves, within 48 hours (as the release RPC records it).
    const released = await circle.task({ title: "Therapy drive", kind: "ride", category: "wellbeing", startsAt: at(now, hours(30)) });
    await sql(
      `insert into private.task_claim_events (kind, task_id, circle_id, member_id, actor_id, created_at) values ('released', $1, $2, $3, $4, $5)`,
      [released, circle.circleId, helper.memberId, helper.userId, now],
    );

    await job([circle], now);

    const release = messageTo(ownerPhone);
    expect(release).toMatchObject({ title: "“A ride” needs a helper again", url: `/circles/${circle.circleId}/tasks/${released}` });
    expect(release.body).toMatch(/^Sam can no longer do it · /);

    const reminder = messageTo(samPhone);
    expect(reminder).toMatchObject({ title: "Tomorrow: “A visit”", url: `/circles/${circle.circleId}/tasks/${tomorrow}` });

    // Ola's daily digest lists the open tasks; the push names them as outside-words allows.
    const digest = messageTo(olaPhone);
    expect(digest.title).toBe("Maria's circle: 2 tasks need help");
    expect(digest.body).toMatch(/^“(A ride|Groceries)” · .*, and 1 more$/);
    expect(digest.url).toBe(`/circles/${circle.circleId}`);
    for (const device of [ownerPhone, samPhone, olaPhone]) {
      expect(decryptPush(to(device)[0].body, device)).not.toMatch(HEALTH_WORDS);
    }
    expect((await pushRows(circle.circleId)).map((row) => row.kind).sort()).toEqual(["push_open_tasks", "push_reminder", "push_task_released"]);
  });

  test("a reach-out request from a check-in: who asked, nothing of the check-in; only while the member may see it", async () => {
    const now = new Date();
    const circle = await makeCircle();
    const friend = await circle.member("Lea", { categories: ["general", "wellbeing"] });
    const other = await circle.member("Max", { categories: ["general", "wellbeing"] });
    const leaPhone = await addDevice(friend, circle.circleId);
    const maxPhone = await addDevice(other, circle.circleId);
    const [{ id: updateId }] = await sql<{ id: string }>(
      `insert into public.updates (circle_id, author_id, category, body, check_in, status, published_at, audience)
       values ($1, $2, 'wellbeing', 'Rough night, panic again', 'red', 'published', $3, $4) returning id`,
      [circle.circleId, circle.owner.userId, at(now, -minutes(5)), [friend.memberId]],
    );
    // Max was asked too, but the check-in's audience is Lea only: he may not see it, so no push.
    await sql(
      `insert into public.reach_out_requests (circle_id, update_id, member_id, created_at) values ($1, $2, $3, $5), ($1, $2, $4, $5)`,
      [circle.circleId, updateId, friend.memberId, other.memberId, at(now, -minutes(5))],
    );

    const report = await job([circle], now, { phases: ["reach_outs"] });
    expect(report.pushes.sent).toBe(1);
    const message = messageTo(leaPhone);
    expect(message).toEqual({
      title: "Maria would like to hear from you",
      body: "A call, a message or a visit, whatever you usually do · Maria's circle",
      url: `/circles/${circle.circleId}/updates`,
      tag: expect.stringMatching(new RegExp(`^reach_out/${circle.circleId}/`)),
    });
    expect(to(maxPhone)).toEqual([]);
    expect((await job([circle], at(now, minutes(5)), { phases: ["reach_outs"] })).pushes.sent).toBe(0);
  });
});

describe("when the push service fails", () => {
  async function circleWithClaim(now: Date) {
    const circle = await makeCircle();
    const helper = await circle.member("Sam");
    await circle.claim(await circle.task({ title: "Bring dinner", kind: "meal", startsAt: at(now, days(1)) }), helper);
    return circle;
  }

  test("410 and 404: the subscription is removed (every circle's row for that endpoint); other devices get theirs", async () => {
    const now = new Date();
    const circle = await circleWithClaim(now);
    const otherCircle = await makeCircle({ ownerName: "Maria" });
    const stale = newDevice();
    await addDevice(circle.owner, circle.circleId, stale);
    const lost = await addDevice(circle.owner, circle.circleId);
    const fine = await addDevice(circle.owner, circle.circleId);
    const [{ id: otherOwner }] = await sql<{ id: string }>(
      `insert into public.circle_members (circle_id, user_id, role, relationship) values ($1, $2, 'coordinator', 'friend') returning id`,
      [otherCircle.circleId, circle.owner.userId],
    );
    await addDevice({ ...circle.owner, memberId: otherOwner }, otherCircle.circleId, stale);
    failNextPushes(stale.endpoint, { status: 410 });
    failNextPushes(lost.endpoint, { status: 404 });

    const report = await job([circle], now, { phases: ["notices"] });
    expect(report.pushes).toMatchObject({ sent: 1, gone: 2, retry: 0 });
    expect(to(fine)).toHaveLength(1);
    const left = await sql<{ endpoint: string }>(`select endpoint from public.push_subscriptions where member_id = any($1::uuid[])`, [
      [circle.owner.memberId, otherOwner],
    ]);
    expect(left.map((row) => row.endpoint)).toEqual([fine.endpoint]);
    const rows = await pushRows(circle.circleId);
    expect(rows.map((row) => row.status).sort()).toEqual(["failed", "failed", "sent"]);
    expect(rows.filter((row) => row.status === "failed").every((row) => /^push service answered (404|410): subscription removed$/.test(row.last_error ?? ""))).toBe(true);
  });

  test("429: waits as Retry-After says and sends again; 5xx: left for a later run, which sends it once", async () => {
    const now = new Date();
    const circle = await circleWithClaim(now);
    const busy = await addDevice(circle.owner, circle.circleId);
    const down = await addDevice(circle.owner, circle.circleId);
    failNextPushes(busy.endpoint, { status: 429, retryAfterSeconds: 3 });
    failNextPushes(down.endpoint, { status: 503 });

    const report = await job([circle], now, { phases: ["recover", "notices"] });
    expect(report.pushes).toMatchObject({ sent: 1, retry: 1 });
    expect(waits).toEqual([3000]);
    expect(to(busy).map((r) => r.status)).toEqual([429, 201]);
    expect(to(down).map((r) => r.status)).toEqual([503]);
    expect((await pushRows(circle.circleId)).map((row) => row.status).sort()).toEqual(["sending", "sent"]);

    // Before the retry time nothing is sent again; after it, the same message goes once.
    expect((await job([circle], at(now, minutes(2)), { phases: ["recover"] })).pushes.sent).toBe(0);
    const later = await job([circle], at(now, minutes(6)), { phases: ["recover"] });
    expect(later.pushes).toMatchObject({ considered: 1, sent: 1 });
    expect(to(down).map((r) => r.status)).toEqual([503, 201]);
    expect(decryptPush(to(down)[1].body, down)).toBe(decryptPush(to(busy)[1].body, busy));
    expect((await pushRows(circle.circleId)).map((row) => row.status)).toEqual(["sent", "sent"]);
    expect((await job([circle], at(now, minutes(30)))).pushes.sent).toBe(0);
  });
});

describe("exactly once per device and event", () => {
  test("two jobs started at once: every device gets one push per event", async () => {
    const now = new Date();
    const circle = await makeCircle({ ownerPrefs: { frequency: "off" } });
    const helpers = await circle.members(30, { prefs: { frequency: "daily", hour: 0 } });
    const devices = await Promise.all(helpers.map((helper) => addDevice(helper, circle.circleId)));
    await circle.task({ title: "Bring dinner", kind: "meal", startsAt: at(now, days(2)) });
    setPushDelay(20);

    const [a, b] = await Promise.all([job([circle], now, { force: true }), job([circle], now, { force: true })]);
    expect(a.pushes.sent + b.pushes.sent).toBe(30);
    for (const device of devices) expect(to(device)).toHaveLength(1);
    expect(new Set(pushRequests.map((r) => r.endpoint)).size).toBe(30);
    expect((await pushRows(circle.circleId)).filter((row) => row.status === "sent")).toHaveLength(30);
  });

  test("a job that dies after sending, before recording: the next run after the lease sends it again under the same tag and Topic (the device shows it once)", async () => {
    const now = new Date();
    const circle = await circleWithOneDevice(now);
    await expect(
      job([circle.circle], now, {
        phases: ["notices"],
        push: {
          sleep: fakeSleep,
          afterSend: () => {
            throw new Error("killed");
          },
        },
      }),
    ).rejects.toThrow("killed");
    expect((await pushRows(circle.circle.circleId)).map((row) => row.status)).toEqual(["sending"]);

    // Within the lease another run leaves it alone; after it, recover sends it again.
    expect((await job([circle.circle], at(now, minutes(5)))).pushes.sent).toBe(0);
    const later = await job([circle.circle], at(now, minutes(16)));
    expect(later.pushes).toMatchObject({ considered: 1, sent: 1 });
    const [first, second] = to(circle.device);
    expect(second.headers.topic).toBe(first.headers.topic);
    expect(JSON.parse(decryptPush(second.body, circle.device))).toEqual(JSON.parse(decryptPush(first.body, circle.device)));
    expect((await pushRows(circle.circle.circleId)).map((row) => row.status)).toEqual(["sent"]);
    expect((await job([circle.circle], at(now, minutes(40)))).pushes.sent).toBe(0);
    expect(to(circle.device)).toHaveLength(2);
  });

  test("a member removed while their push waits for a retry gets nothing: the devices are gone and the row is cancelled", async () => {
    const now = new Date();
    const circle = await makeCircle();
    const coordinator = await circle.member("Cora", { role: "coordinator" });
    const helper = await circle.member("Sam");
    const device = await addDevice(coordinator, circle.circleId);
    await circle.claim(await circle.task({ title: "Bring dinner", kind: "meal", startsAt: at(now, days(1)) }), helper);
    failNextPushes(device.endpoint, { status: 500 });
    await job([circle], now, { phases: ["notices"] });

    await sql(`update public.circle_members set status = 'removed', ended_at = now() where id = $1`, [coordinator.memberId]);
    expect(await sql(`select 1 from public.push_subscriptions where member_id = $1`, [coordinator.memberId])).toEqual([]);
    const later = await job([circle], at(now, minutes(10)), { phases: ["recover"] });
    expect(later.pushes.sent).toBe(0);
    expect(to(device)).toHaveLength(1);
    expect((await pushRows(circle.circleId)).map((row) => [row.status, row.last_error])).toEqual([["cancelled", "no longer to be sent"]]);
  });

  async function circleWithOneDevice(now: Date) {
    const circle = await makeCircle();
    const helper = await circle.member("Sam");
    const device = await addDevice(circle.owner, circle.circleId);
    await circle.claim(await circle.task({ title: "Bring dinner", kind: "meal", startsAt: at(now, days(1)) }), helper);
    return { circle, device };
  }
});
