import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runEmailJob, type EmailJobOptions } from "~/jobs/email-job.server";
import { at, deliveries, days, hours, makeCircle, minutes, type TestCircle } from "../helpers/digest-fixture";
import { closeSql, sql } from "../helpers/supabase";
import { failNextResendRequests, resendRequests, resetResendMock, sentEmails, server } from "../mocks";

// The email job against the real local stack, with Resend answered by msw: what exactly is sent,
// batching, idempotency keys, Resend's failures (429, 500, timeouts, a refused address), and exactly
// once when the job dies between sending and recording, or when two jobs run at once.

process.env.RESEND_API_KEY = "re_test_digest_job";

const appUrl = () => process.env.APP_URL!;
const waits: number[] = [];
const fakeSleep = async (ms: number) => {
  waits.push(ms);
};

beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
beforeEach(() => {
  resetResendMock();
  waits.length = 0;
});
afterAll(async () => {
  server.close();
  await closeSql();
});

/**
 * The job for these circles' digests only, sending through the (mocked) Resend; one stream of pages, so
 * that which members share a batch is predictable (the concurrency test uses the default).
 */
function job(circles: TestCircle[], now: Date, extra: Partial<EmailJobOptions> = {}) {
  return runEmailJob({
    now,
    force: true,
    circleIds: circles.map((c) => c.circleId),
    phases: ["recover", "digests"],
    streams: 1,
    send: { sleep: fakeSleep, timeoutMs: 2_000 },
    ...extra,
  });
}

const emailsTo = (address: string) => sentEmails.filter((email) => email.to === address);

async function circleWithOpenTask(helpers: number, now: Date, name?: string) {
  const circle = await makeCircle({ name, ownerPrefs: { frequency: "off" } });
  const people = await circle.members(helpers);
  const taskId = await circle.task({ title: "Bring dinner", startsAt: at(now, days(1)), location: "12 Oak Road" });
  return { circle, people, taskId };
}

describe("what a digest run sends", () => {
  test("one email per member, in batches of at most 100, each exactly as rendered, with the unsubscribe headers", async () => {
    const now = new Date();
    const { circle, people, taskId } = await circleWithOpenTask(150, now, "Rae's circle");

    const report = await job([circle], now);
    expect(report.digests).toMatchObject({ considered: 150, sent: 150, empty: 0, rejected: 0, retry: 0 });

    const batches = resendRequests.filter((r) => r.endpoint === "batch");
    expect(batches.map((r) => r.size)).toEqual([100, 50]);
    expect(batches.every((r) => r.status === 200 && r.validation === "permissive")).toBe(true);
    expect(batches.map((r) => r.idempotencyKey)).toEqual([expect.stringMatching(/^batch\//), expect.stringMatching(/^batch\//)]);
    expect(new Set(batches.map((r) => r.idempotencyKey)).size).toBe(2);

    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
    const [email] = emailsTo(people[0].email);
    const taskLink = `${appUrl()}/circles/${circle.circleId}/tasks/${taskId}`;
    expect(email.from).toBe("Rae's circle via Circle <circle@localhost>");
    expect(email.subject).toBe("Rae's circle: 1 task needs help");
    expect(email.html).toContain(taskLink);
    expect(email.html).toContain("Bring dinner");
    expect(email.html).toContain("Unclaimed: 1 helper needed");
    expect(email.text).toContain(`Claim it: ${taskLink}`);
    expect(email.text).toContain(`${appUrl()}/circles/${circle.circleId}/notifications`);
    expect(email.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const unsubscribe = /^<(.+)>$/.exec(email.headers?.["List-Unsubscribe"] ?? "")?.[1];
    expect(unsubscribe).toMatch(new RegExp(`^${appUrl()}/unsubscribe/[A-Za-z0-9_-]{56}$`));
    expect(email.text).toContain(unsubscribe);
    expect(email.html).toContain(unsubscribe);
    // Links to the app only, in both parts.
    const links = [...`${email.html} ${email.text}`.matchAll(/https?:\/\/[^\s"<>]+/g)].map((m) => m[0]);
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((link) => !link.startsWith(`${appUrl()}/`))).toEqual([]);

    const rows = await deliveries([circle.circleId]);
    expect(rows).toHaveLength(150);
    expect(rows.every((row) => row.status === "sent" && !row.has_payload && row.batch_key)).toBe(true);
    expect(rows[0].idempotency_key).toBe(`digest/${circle.circleId}/${rows[0].member_id}/${rows[0].period}`);

    // Run again: this period is done.
    const again = await job([circle], at(now, minutes(30)));
    expect(again.digests.considered).toBe(0);
    expect(sentEmails).toHaveLength(150);
  });

  test("nothing to say, no email: the period is recorded, and the next run does not look again", async () => {
    const now = new Date();
    const circle = await makeCircle({ ownerPrefs: { frequency: "off" } });
    await circle.members(3);
    await circle.task({ title: "Therapy ride", category: "health", startsAt: at(now, days(1)) });

    const report = await job([circle], now);
    expect(report.digests).toMatchObject({ considered: 3, empty: 3, sent: 0 });
    expect(resendRequests).toEqual([]);
    expect((await deliveries([circle.circleId])).map((row) => row.status)).toEqual(["empty", "empty", "empty"]);
    expect((await job([circle], at(now, hours(1)))).digests.considered).toBe(0);
  });
});

describe("when Resend fails", () => {
  test("429: waits as its rate-limit headers say, then sends the same batch under the same key", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(3, now);
    failNextResendRequests({ status: 429, retryAfterSeconds: 2, resetSeconds: 1 });

    const report = await job([circle], now);
    expect(report.digests).toMatchObject({ sent: 3, retry: 0 });
    expect(resendRequests.map((r) => r.status)).toEqual([429, 200]);
    expect(resendRequests[0].idempotencyKey).toBe(resendRequests[1].idempotencyKey);
    expect(waits).toContain(2000);
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
  });

  test("429 that does not clear: the batch is left for a later run, which sends it with the same key", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(2, now);
    failNextResendRequests({ status: 429, resetSeconds: 30 }, { status: 429, resetSeconds: 30 });

    const first = await job([circle], now, { send: { sleep: fakeSleep, maxRateLimitRetries: 1 } });
    expect(first.digests).toMatchObject({ sent: 0, retry: 2 });
    expect(waits).toContain(30_000);
    expect((await deliveries([circle.circleId])).map((row) => [row.status, row.has_payload])).toEqual([
      ["sending", true],
      ["sending", true],
    ]);

    const later = await job([circle], at(now, minutes(2)));
    expect(later.recover).toMatchObject({ considered: 2, sent: 2 });
    expect(new Set(resendRequests.map((r) => r.idempotencyKey)).size).toBe(1);
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
    expect((await deliveries([circle.circleId])).every((row) => row.status === "sent")).toBe(true);
  });

  test("500: nothing is lost, a later run sends the batch again under the same key", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(2, now);
    failNextResendRequests({ status: 500 });

    const first = await job([circle], now);
    expect(first.digests).toMatchObject({ sent: 0, retry: 2 });
    // Not before the retry time (5 minutes).
    expect((await job([circle], at(now, minutes(1)))).recover.considered).toBe(0);

    const later = await job([circle], at(now, minutes(6)));
    expect(later.recover).toMatchObject({ considered: 2, sent: 2 });
    expect(resendRequests.map((r) => r.status)).toEqual([500, 200]);
    expect(resendRequests[0].idempotencyKey).toBe(resendRequests[1].idempotencyKey);
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
  });

  test("a timeout that hid a success: the retry under the same key sends nothing twice", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(2, now);
    failNextResendRequests({ status: "timeout", delayMs: 800, processed: true });

    const first = await job([circle], now, { send: { sleep: fakeSleep, timeoutMs: 200 } });
    expect(first.digests).toMatchObject({ sent: 0, retry: 2 });
    expect(sentEmails).toHaveLength(2); // Resend did send them.
    await new Promise((resolve) => setTimeout(resolve, 800));

    const later = await job([circle], at(now, minutes(6)));
    expect(later.recover).toMatchObject({ considered: 2, sent: 2 });
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
    expect(sentEmails).toHaveLength(2);
  });

  test("an address Resend refuses is logged and skipped; the rest of its batch goes, and it is not tried again", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(2, now);
    const broken = await circle.member("Broken", { email: `broken-${crypto.randomUUID().slice(0, 8)}@localhost` });
    const lines: string[] = [];

    const report = await job([circle], now, { log: (line) => lines.push(line) });
    expect(report.digests).toMatchObject({ sent: 2, rejected: 1 });
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
    expect(emailsTo(broken.email)).toEqual([]);
    expect(lines.some((line) => line.includes(broken.email) && line.includes("skipped"))).toBe(true);
    const row = (await deliveries([circle.circleId])).find((r) => r.member_id === broken.memberId)!;
    expect(row).toMatchObject({ status: "failed", has_payload: false });
    expect(row.last_error).toMatch(/not an email address/);

    const later = await job([circle], at(now, minutes(30)));
    expect(later.recover.considered + later.digests.considered).toBe(0);
  });
});

describe("exactly once", () => {
  test("a job killed between sending a batch and recording it: the next run sends nothing twice and loses nothing", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(130, now);
    let batchesSent = 0;

    await expect(
      job([circle], now, {
        afterSend: () => {
          batchesSent++;
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    expect(batchesSent).toBe(1);
    expect(sentEmails).toHaveLength(100);
    const afterCrash = await deliveries([circle.circleId]);
    expect(afterCrash.filter((row) => row.status === "sending")).toHaveLength(100);

    // While the dead job's lease runs, nobody touches its rows; the rest of the members are still due.
    const during = await job([circle], at(now, minutes(5)));
    expect(during.recover.considered).toBe(0);
    expect(during.digests).toMatchObject({ considered: 30, sent: 30 });

    // After the lease: the same batch, same key, same contents; Resend answers without sending again.
    const after = await job([circle], at(now, minutes(20)));
    expect(after.recover).toMatchObject({ considered: 100, sent: 100 });
    const keys = resendRequests.map((r) => r.idempotencyKey);
    expect(keys[keys.length - 1]).toBe(keys[0]);

    expect(sentEmails).toHaveLength(130);
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
    expect((await deliveries([circle.circleId])).every((row) => row.status === "sent")).toBe(true);
  });

  test("two claims of the same deliveries at the same moment: one takes each row, the other skips it, never an error", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(5, now);
    // The race is narrow (the two unique indexes of a delivery are met in turn): many rounds make it show.
    for (let round = 0; round < 60; round++) {
      const rows = JSON.stringify(
        people.map((person) => ({
          kind: "digest",
          member_id: person.memberId,
          circle_id: circle.circleId,
          period: `race-${round}`,
          idempotency_key: `race/${circle.circleId}/${person.memberId}/${round}`,
          payload: { to: person.email },
        })),
      );
      const claim = () => sql<{ id: string }>("select * from public.email_job_claim($1, $2::jsonb)", [now.toISOString(), rows]);
      const [first, second] = await Promise.all([claim(), claim()]);
      expect(first.length + second.length).toBe(people.length);
    }
  });

  test("two jobs started at once: every member gets one email", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(120, now);

    // Each job reads two ranges of members at once, pages of 50: four readers racing for 120 members.
    const reports = await Promise.all([
      job([circle], now, { pageSize: 50, streams: 2 }),
      job([circle], now, { pageSize: 50, streams: 2 }),
    ]);
    // Whatever one job found already claimed by the other, it left alone.
    for (const r of reports) expect(r.digests.sent + r.digests.taken).toBe(r.digests.considered);
    const sent = reports.reduce((sum, r) => sum + r.digests.sent, 0);
    expect(sent).toBe(120);
    expect(sentEmails).toHaveLength(120);
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
    const rows = await deliveries([circle.circleId]);
    expect(rows).toHaveLength(120);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
  });

  test("after a crash, a member removed before the batch is taken over gets nothing; the changed batch is not sent twice", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(3, now);
    // The first attempt never reaches Resend (a timeout before it was processed), then the job dies.
    failNextResendRequests({ status: "timeout", delayMs: 500 });
    await expect(
      job([circle], now, {
        send: { sleep: fakeSleep, timeoutMs: 100 },
        afterSend: () => {
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    expect(sentEmails).toHaveLength(0);
    await sql(`update public.circle_members set status = 'removed', ended_at = now() where id = $1`, [people[0].memberId]);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const after = await job([circle], at(now, minutes(20)));
    expect(after.recover).toMatchObject({ considered: 2, sent: 2 });
    expect(emailsTo(people[0].email)).toEqual([]);
    expect(emailsTo(people[1].email)).toHaveLength(1);
    expect(emailsTo(people[2].email)).toHaveLength(1);
    const removed = (await deliveries([circle.circleId])).find((row) => row.member_id === people[0].memberId)!;
    expect(removed).toMatchObject({ status: "cancelled", has_payload: false });
  });

  test("a batch that was received, taken over without a member removed since: Resend's 409 counts it as sent", async () => {
    const now = new Date();
    const { circle, people } = await circleWithOpenTask(3, now);
    await expect(
      job([circle], now, {
        afterSend: () => {
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    expect(sentEmails).toHaveLength(3);
    await sql(`update public.circle_members set status = 'removed', ended_at = now() where id = $1`, [people[0].memberId]);

    const after = await job([circle], at(now, minutes(20)));
    expect(after.recover).toMatchObject({ considered: 2, sent: 2 });
    expect(resendRequests.map((r) => r.status)).toEqual([200, 409]);
    expect(sentEmails).toHaveLength(3);
    for (const person of people) expect(emailsTo(person.email)).toHaveLength(1);
  });

  test("rows left 'sending' for 23 hours expire instead of risking a second email", async () => {
    const now = new Date();
    const { circle } = await circleWithOpenTask(1, now);
    failNextResendRequests({ status: 500 });
    await job([circle], now);
    const report = await job([circle], at(now, hours(23) + minutes(1)), { phases: ["recover"] });
    expect(report.recover.considered).toBe(0);
    expect((await deliveries([circle.circleId])).map((row) => row.status)).toEqual(["expired"]);
  });
});

describe("the digest says what the app says (issue 12)", () => {
  test("an approved coordinator's draft is the person's, and open tasks come in date order", async () => {
    const now = new Date();
    const circle = await makeCircle({ ownerName: "Maria", ownerPrefs: { frequency: "off" } });
    const joinedAt = at(now, -days(3));
    const elena = await circle.member("Elena", { role: "coordinator", categories: ["practical", "general", "milestones", "wellbeing"], joinedAt, prefs: { frequency: "off" } });
    const sam = await circle.member("Sam", { categories: ["practical", "general"], joinedAt });
    // A draft Elena wrote and Maria approved: published, with Elena as its author.
    await circle.update({ author: elena, category: "general", body: "Maria is home.", publishedAt: at(now, -hours(2)) });
    // The earlier task has one of its two spots taken, which used to put it after the later one.
    const sunday = await circle.task({ title: "Sunday dinner", startsAt: at(now, days(2)), slots: 2 });
    await circle.claim(sunday, elena);
    await circle.task({ title: "Wednesday ride", kind: "ride", startsAt: at(now, days(5)) });

    await job([circle], now);
    const [email] = emailsTo(sam.email);
    const text = email.text ?? "";
    const html = email.html ?? "";
    expect(text).toContain("Maria shared a general update");
    expect(text).not.toContain("Elena shared");
    expect(text.indexOf("Sunday dinner")).toBeGreaterThan(-1);
    expect(text.indexOf("Sunday dinner")).toBeLessThan(text.indexOf("Wednesday ride"));
    expect(html.indexOf("Sunday dinner")).toBeLessThan(html.indexOf("Wednesday ride"));
  });
});
