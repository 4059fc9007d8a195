import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { taskWhen } from "~/digest/render";
import { runEmailJob } from "~/jobs/email-job.server";
import { addDays, formatInZone, toLocalDate, zonedInstant } from "~/calendar/time";
import { at, days, deliveries, hours, makeCircle, setPrefs, type Person } from "../helpers/digest-fixture";
import { clientWithToken, closeSql, projectJwt, sql } from "../helpers/supabase";
import { resetResendMock, sentEmails, server } from "../mocks";

// Day-before reminders (circle's zone, pinned clock across Dublin's spring change), the immediate
// notices for the person and coordinators, and those for helpers (their task cancelled, or moved),
// through the (mocked) Resend.

process.env.RESEND_API_KEY = "re_test_digest_reminders";

beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
beforeEach(() => resetResendMock());
afterAll(async () => {
  server.close();
  await closeSql();
});

const emailsTo = (person: Person) => sentEmails.filter((email) => email.to === person.email);

async function asUser(person: Person) {
  const token = await projectJwt({ role: "authenticated", aud: "authenticated", sub: person.userId });
  return clientWithToken(token);
}

describe("reminders the day before", () => {
  // Sunday 29 March 2026 10:00 IST (09:00 UTC), the day Dublin moves to summer time; the day before is
  // still on GMT, so 08:00 there is 08:00 UTC.
  const taskStart = new Date("2026-03-29T09:00:00Z");
  const claimedAt = new Date("2026-03-20T12:00:00Z");

  async function setup() {
    const circle = await makeCircle({ timeZone: "Europe/Dublin", ownerPrefs: { frequency: "off" } });
    const sam = await circle.member("Sam", { prefs: { frequency: "off" } });
    const tom = await circle.member("Tom", { prefs: { frequency: "off", hour: 18 } });
    const dinner = await circle.task({
      title: "Bring dinner",
      kind: "meal",
      startsAt: taskStart,
      endsAt: new Date("2026-03-29T10:00:00Z"),
      slots: 2,
      location: "12 Oak Road",
      contactPreference: "no_contact",
    });
    await circle.claim(dinner, sam, claimedAt);
    await circle.claim(dinner, tom, claimedAt);
    const run = (iso: string) => runEmailJob({ now: new Date(iso), circleIds: [circle.circleId], phases: ["recover", "reminders"] });
    return { circle, sam, tom, dinner, run };
  }

  test("each helper, at their hour the day before, named with who else helps and the person's contact preference; once", async () => {
    const { sam, tom, run } = await setup();

    expect((await run("2026-03-28T07:59:00Z")).reminders.considered).toBe(0);
    expect((await run("2026-03-28T08:00:00Z")).reminders).toMatchObject({ considered: 1, sent: 1 });
    const [toSam] = emailsTo(sam);
    expect(toSam.subject).toBe("Reminder: “Bring dinner” tomorrow");
    expect(toSam.from).toBe("Maria's circle via Circle <circle@localhost>");
    expect(toSam.text).toContain("When: Sun 29 Mar, 10:00–11:00 (Dublin time)");
    expect(toSam.text).toContain("Where: 12 Oak Road");
    expect(toSam.text).toContain("Also helping: Tom.");
    expect(toSam.text).toContain("Maria's preference: No-contact drop-off. Leave it at the door; no need to knock or wait.");
    expect(toSam.html).toContain("Also helping: Tom.");
    expect(emailsTo(tom)).toEqual([]); // Tom's hour is 18:00

    expect((await run("2026-03-28T18:00:00Z")).reminders.sent).toBe(1);
    expect(emailsTo(tom)[0].text).toContain("Also helping: Sam.");
    expect((await run("2026-03-28T20:00:00Z")).reminders.considered).toBe(0);
    expect((await run("2026-03-29T07:00:00Z")).reminders.considered).toBe(0);
    expect(sentEmails).toHaveLength(2);
  });

  test("not at all for a released claim, a claim made on the day, or a helper who can no longer see the task", async () => {
    const { circle, sam, tom, dinner, run } = await setup();
    const ana = await circle.member("Ana", { prefs: { frequency: "off" } });
    const ride = await circle.task({ title: "Ride", startsAt: taskStart, slots: 3 });
    await circle.claim(ride, ana, new Date("2026-03-29T07:00:00Z")); // on the day itself
    await sql(`delete from public.task_claims where task_id = $1 and member_id = $2`, [dinner, sam.memberId]); // released
    await sql(`delete from public.sharing_grants where member_id = $1`, [tom.memberId]); // consent withdrawn

    const report = await run("2026-03-28T20:00:00Z");
    expect(report.reminders.sent).toBe(0);
    expect(sentEmails).toEqual([]);
    expect(await deliveries([circle.circleId])).toEqual([]);
  });

  test("a reminder taken over after a crash is not sent once its claim was released", async () => {
    const { circle, sam, dinner, run } = await setup();
    await sql(`update public.email_preferences set digest_hour = 18 where member_id = $1`, [sam.memberId]);
    await expect(
      runEmailJob({
        now: new Date("2026-03-28T18:00:00Z"),
        circleIds: [circle.circleId],
        phases: ["reminders"],
        afterSend: () => {
          throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    await sql(`delete from public.task_claims where task_id = $1 and member_id = $2`, [dinner, sam.memberId]);
    const rows = await deliveries([circle.circleId]);
    expect(rows.map((row) => row.member_id)).not.toContain(sam.memberId); // went with the claim
    const after = await run("2026-03-28T19:00:00Z");
    expect(after.recover.sent + after.reminders.sent).toBe(1); // Tom's, sent again under the same key
    expect(sentEmails.filter((email) => email.to === sam.email)).toHaveLength(1); // the one before the crash only
  });
});

describe("immediate notices for the person and coordinators", () => {
  async function setup() {
    const circle = await makeCircle({ ownerPrefs: { frequency: "off" } });
    const cora = await circle.member("Cora", { role: "coordinator", categories: ["practical", "health"], prefs: { frequency: "off" } });
    const colm = await circle.member("Colm", { role: "coordinator", categories: ["practical"], prefs: { frequency: "off" } });
    const sam = await circle.member("Sam", { categories: ["practical", "health"], prefs: { frequency: "off" } });
    const run = () => runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    return { circle, cora, colm, sam, run };
  }

  test("a claim: the person and the coordinators who can see the task are told, once; a health task only those with the grant", async () => {
    const { circle, cora, colm, sam, run } = await setup();
    const now = new Date();
    const dinner = await circle.task({ title: "Bring dinner", startsAt: at(now, days(3)) });
    const ride = await circle.task({ title: "Ride to therapy", category: "health", startsAt: at(now, days(4)) });
    await (await asUser(sam)).rpc("claim_task", { task_id: dinner }).throwOnError();
    await (await asUser(sam)).rpc("claim_task", { task_id: ride }).throwOnError();

    const report = await run();
    expect(report.notices).toMatchObject({ sent: 5, rejected: 0 });
    expect(emailsTo(circle.owner).map((e) => e.subject).sort()).toEqual([
      expect.stringMatching(/^Sam will help with “Bring dinner” \(\w{3} \d+ \w{3}\)$/),
      // A health task: the kind of help, never its title (tests/security/emails-no-health.test.ts).
      expect.stringMatching(/^Sam will help with “Some help”/),
    ]);
    expect(emailsTo(cora)).toHaveLength(2);
    expect(emailsTo(colm).map((e) => e.subject)).toEqual([expect.stringContaining("Bring dinner")]);
    expect(emailsTo(sam)).toEqual([]); // nobody is told about what they did themselves
    const notice = emailsTo(colm)[0];
    expect(notice.headers?.["List-Unsubscribe"]).toMatch(/^<.+\/unsubscribe\/[A-Za-z0-9_-]+>$/);
    expect(notice.text).toContain(`/circles/${circle.circleId}/tasks/${dinner}`);

    expect((await run()).notices.considered).toBe(0);
    expect(sentEmails).toHaveLength(5);
  });

  test("a release less than 48 hours before: told; more than 48 hours before, or by someone else: not", async () => {
    const { circle, cora, colm, sam, run } = await setup();
    const now = new Date();
    await setPrefs(colm, circle.circleId, { frequency: "off", notifyClaimed: false, notifyReleased: false });
    await setPrefs(cora, circle.circleId, { frequency: "off", notifyClaimed: false });
    await setPrefs(circle.owner, circle.circleId, { frequency: "off", notifyClaimed: false });
    const soon = await circle.task({ title: "Walk the dog", startsAt: at(now, hours(30)) });
    const later = await circle.task({ title: "Mow the lawn", startsAt: at(now, days(5)) });
    const other = await circle.task({ title: "Pick up prescriptions", startsAt: at(now, hours(20)) });
    const samClient = await asUser(sam);
    for (const task of [soon, later, other]) await samClient.rpc("claim_task", { task_id: task }).throwOnError();
    await samClient.rpc("release_task", { task_id: soon }).throwOnError();
    await samClient.rpc("release_task", { task_id: later }).throwOnError();
    // Cora releases Sam's claim herself: she knows.
    await (await asUser(cora)).rpc("release_task", { task_id: other, member_id: sam.memberId }).throwOnError();

    await run();
    expect(emailsTo(circle.owner).map((e) => e.subject)).toEqual([expect.stringMatching(/^“Walk the dog” \(.+\) needs a helper again$/)]);
    expect(emailsTo(cora).map((e) => e.subject)).toEqual([expect.stringContaining("Walk the dog")]);
    expect(emailsTo(colm)).toEqual([]); // turned off
    expect(emailsTo(circle.owner)[0].text).toContain("Sam can no longer do “Walk the dog”, which starts in less than 48 hours.");
  });
});

describe("immediate notices for helpers", () => {
  async function setup() {
    // The person and the coordinator are not told about claims here: only the helpers' notices remain.
    const quiet = { frequency: "off", notifyClaimed: false } as const;
    const circle = await makeCircle({ ownerPrefs: quiet });
    const cora = await circle.member("Cora", { role: "coordinator", categories: ["practical"], prefs: quiet });
    const sam = await circle.member("Sam", { categories: ["practical", "health"], prefs: { frequency: "off" } });
    const tom = await circle.member("Tom", { categories: ["practical"], prefs: { frequency: "off" } });
    const run = () => runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    return { circle, cora, sam, tom, run };
  }

  const helperKinds = async (circleId: string) =>
    (await deliveries([circleId])).filter((row) => row.kind === "task_cancelled" || row.kind === "task_rescheduled");

  test("a cancelled task: each helper told once, with the note; not the one who cancelled it, nor a helper who cannot see it", async () => {
    const { circle, cora, sam, tom, run } = await setup();
    const now = new Date();
    const dinner = await circle.task({ title: "Bring dinner", startsAt: at(now, days(3)), slots: 3 });
    const ride = await circle.task({ title: "Ride to therapy", category: "health", startsAt: at(now, days(4)), slots: 2 });
    await circle.claim(dinner, sam);
    await circle.claim(dinner, cora);
    await circle.claim(ride, sam);
    await circle.claim(ride, tom); // arranged with SQL: Tom has no health grant, so the task is not his to see
    await (await asUser(cora)).rpc("cancel_task", { task_id: dinner, note: "Maria is <b>in hospital</b> & will call." }).throwOnError();
    await (await asUser(circle.owner)).rpc("cancel_task", { task_id: ride }).throwOnError();

    await Promise.all([run(), run()]);
    await run();
    const toSam = emailsTo(sam);
    expect(toSam.map((e) => e.subject).sort()).toEqual([
      expect.stringMatching(/^“Bring dinner” \(\w{3} \d+ \w{3}\) was cancelled$/),
      expect.stringMatching(/^“Some help” \(.+\) was cancelled$/),
    ]);
    const dinnerEmail = toSam.find((e) => e.subject.includes("Bring dinner"))!;
    expect(dinnerEmail.text).toContain("“Bring dinner”, which you claimed, was cancelled: you no longer need to do it.");
    expect(dinnerEmail.text).toContain("A word for the helpers:\n  Maria is <b>in hospital</b> & will call.");
    expect(dinnerEmail.html).toContain("Maria is &lt;b&gt;in hospital&lt;/b&gt; &amp; will call.");
    expect(dinnerEmail.headers?.["List-Unsubscribe"]).toBeUndefined(); // helpers cannot turn these off
    expect(toSam.find((e) => e.subject.includes("Some help"))!.text).not.toContain("A word for the helpers");
    expect(emailsTo(cora)).toEqual([]); // she cancelled it herself
    expect(emailsTo(tom)).toEqual([]); // the consent rule: no health grant
    expect(emailsTo(circle.owner)).toEqual([]);
    expect(sentEmails).toHaveLength(2);
    expect((await helperKinds(circle.circleId)).map((row) => [row.kind, row.member_id, row.status])).toEqual([
      ["task_cancelled", sam.memberId, "sent"],
      ["task_cancelled", sam.memberId, "sent"],
    ]);
  });

  test("a series cancelled from a date: helpers of the claimed occurrences from that date on are told", async () => {
    const { circle, sam, run } = await setup();
    const owner = await asUser(circle.owner);
    const today = toLocalDate(new Date(), "Europe/Dublin");
    const { data: series } = await owner
      .rpc("create_task_series", {
        circle_id: circle.circleId,
        title: "Walk the dog",
        first_date: addDays(today, 1),
        frequency: "daily",
        occurrence_count: 5,
        start_time: "10:00",
        duration_minutes: 60,
      })
      .throwOnError();
    const occurrences = await sql<{ id: string; series_date: string }>(
      `select id, to_char(series_date, 'YYYY-MM-DD') as series_date from public.tasks where series_id = $1 order by series_date`,
      [(series as { id: string }).id],
    );
    expect(occurrences).toHaveLength(5);
    const samClient = await asUser(sam);
    for (const i of [0, 2, 3]) await samClient.rpc("claim_task", { task_id: occurrences[i].id }).throwOnError();
    await owner
      .rpc("cancel_task_series", { series_id: (series as { id: string }).id, from_date: occurrences[2].series_date, note: "Rex is staying with his sister." })
      .throwOnError();

    expect((await run()).notices).toMatchObject({ sent: 2, rejected: 0 });
    const toSam = emailsTo(sam);
    const days = [occurrences[2], occurrences[3]].map((o) => formatInZone(zonedInstant(o.series_date, "10:00", "Europe/Dublin"), "Europe/Dublin", { allDay: true }));
    expect(toSam.map((e) => e.subject).sort()).toEqual(days.map((day) => `“Walk the dog” (${day}) was cancelled`).sort());
    for (const email of toSam) expect(email.text).toContain("Rex is staying with his sister.");
    expect((await run()).notices.considered).toBe(0);
  });

  test("a new time: each helper told the new time and the one before, once; a title-only edit or a new zone for the circle tells nobody", async () => {
    const { circle, cora, sam, tom, run } = await setup();
    const start = new Date(Math.ceil((Date.now() + days(3)) / hours(1)) * hours(1));
    const dinner = await circle.task({ title: "Bring dinner", startsAt: start, endsAt: at(start, hours(1)), slots: 2 });
    const lawn = await circle.task({ title: "Mow the lawn", startsAt: at(start, days(1)), endsAt: at(start, days(1) + hours(2)) });
    await circle.claim(dinner, sam);
    await circle.claim(dinner, tom);
    await circle.claim(lawn, sam);
    const owner = await asUser(circle.owner);
    // Two edits before the job runs: one email, from the time the helpers knew to the latest.
    await owner.from("tasks").update({ starts_at: at(start, hours(1)).toISOString(), ends_at: at(start, hours(2)).toISOString() }).eq("id", dinner).throwOnError();
    const moved = { starts_at: at(start, days(1) + hours(2)).toISOString(), ends_at: at(start, days(1) + hours(3)).toISOString(), all_day: false };
    await owner.from("tasks").update(moved).eq("id", dinner).throwOnError();
    await (await asUser(cora)).from("tasks").update({ title: "Mow the front lawn", location: "Front garden" }).eq("id", lawn).throwOnError();

    await run();
    await run();
    for (const helper of [sam, tom]) {
      const emails = emailsTo(helper);
      expect(emails.map((e) => e.subject)).toEqual([expect.stringMatching(/^New time for “Bring dinner” \(\w{3} \d+ \w{3}\)$/)]);
      expect(emails[0].text).toContain(`New time: ${taskWhen(moved, "Europe/Dublin")}`);
      expect(emails[0].text).toContain(`Before: ${taskWhen({ starts_at: start.toISOString(), ends_at: at(start, hours(1)).toISOString(), all_day: false }, "Europe/Dublin")}`);
      expect(emails[0].headers?.["List-Unsubscribe"]).toBeUndefined();
    }
    expect(sentEmails).toHaveLength(2); // nothing for the lawn, nor for the person or Cora

    // Moved back to the time the helpers were last told before the job ran: nothing to tell.
    await owner.from("tasks").update({ starts_at: start.toISOString(), ends_at: at(start, hours(1)).toISOString() }).eq("id", dinner).throwOnError();
    await owner.from("tasks").update(moved).eq("id", dinner).throwOnError();
    expect((await run()).notices.considered).toBe(0);

    // A new time zone for the circle keeps an all-day task on its local date: no new time either.
    const garden = await circle.task({ title: "Garden day", allDay: true, startsAt: at(start, days(2)), endsAt: at(start, days(3)) });
    await circle.claim(garden, sam);
    // Compared with where it stood before, not with the instant it was created with: that instant can
    // be New York's midnight itself (between 04:00 and 05:00 UTC in winter).
    const startsAt = async () => (await sql<{ starts_at: Date }>(`select starts_at from public.tasks where id = $1`, [garden]))[0].starts_at.getTime();
    const beforeZoneChange = await startsAt();
    await owner.from("circles").update({ time_zone: "America/New_York" }).eq("id", circle.circleId).throwOnError();
    expect(await startsAt()).not.toBe(beforeZoneChange);
    expect((await run()).notices.considered).toBe(0);
    expect(await helperKinds(circle.circleId)).toHaveLength(2);
  });
});
