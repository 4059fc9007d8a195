// Issue 10 item 3: no email carries the title, place or notes of a health or wellbeing task. Health and
// wellbeing tasks with distinctive words are claimed, released, cancelled with a note, moved, reminded
// and listed in digests by the real email job (Resend mocked at its HTTP API, as in the digest tests);
// none of those words may appear in any subject, text or HTML part, while the kind of help, the time and
// the link to the task do. A practical task's title and place still appear, so the check can fail.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { addDays, toLocalDate, zonedInstant } from "~/calendar/time";
import { taskWhen } from "~/digest/render";
import { runEmailJob } from "~/jobs/email-job.server";
import { makeCircle, type Person, type TestCircle } from "../helpers/digest-fixture";
import { clientWithToken, closeSql, projectJwt, sql } from "../helpers/supabase";
import { resetResendMock, sentEmails, server } from "../mocks";

process.env.RESEND_API_KEY = "re_test_emails_no_health";

beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
beforeEach(() => resetResendMock());
afterAll(async () => {
  server.close();
  await closeSql();
});

const TZ = "Europe/Dublin";

async function asUser(person: Person) {
  const token = await projectJwt({ role: "authenticated", aud: "authenticated", sub: person.userId });
  return clientWithToken(token);
}

/** Every word of these tasks that must stay in the app. */
const SECRET = {
  ride: { title: "Psychiatrist review with Dr Lee", location: "St Brigid's mental health unit", notes: "lithium levels" },
  visit: { title: "Sit with Maria after group therapy", location: "Phoenix Park gate", notes: "panic attacks lately" },
  open: { title: "Collect the clozapine prescription", location: "Clozapine clinic, Ward 7", notes: "blood test first" },
  cancelled: { title: "Depot injection appointment", location: "Community mental health team", notes: "left arm" },
  moved: { title: "Counselling at Pieta House", location: "Pieta House Lucan", notes: "second session" },
};
const CANCEL_NOTE = "Dr Lee moved the depot injection";

function allWords(): string[] {
  return [...Object.values(SECRET).flatMap((t) => [t.title, t.location, t.notes]), CANCEL_NOTE];
}

describe("emails say what kind of help and when, never a health or wellbeing task's words", () => {
  let circle: TestCircle;
  let cora: Person;
  let sam: Person;
  const ids: Record<keyof typeof SECRET | "dinner", string> = { ride: "", visit: "", open: "", cancelled: "", moved: "", dinner: "" };
  const starts = (day: number, time: string) => zonedInstant(addDays(toLocalDate(new Date(), TZ), day), time, TZ);

  beforeAll(async () => {
    const daily = { frequency: "daily", hour: 0 } as const;
    circle = await makeCircle({ timeZone: TZ, ownerPrefs: daily });
    cora = await circle.member("Cora", { role: "coordinator", categories: ["practical", "health", "wellbeing"], prefs: daily });
    sam = await circle.member("Sam", { categories: ["practical", "health", "wellbeing"], prefs: daily });
    const hour = 60 * 60_000;
    const make = async (key: keyof typeof SECRET, category: "health" | "wellbeing", kind: string, at: Date) => {
      const id = await circle.task({ ...SECRET[key], category, kind, startsAt: at, endsAt: new Date(at.getTime() + hour) });
      await sql(`update public.tasks set notes = $2 where id = $1`, [id, SECRET[key].notes]);
      ids[key] = id;
    };
    await make("ride", "health", "ride", starts(3, "10:00"));
    await make("visit", "wellbeing", "visit", starts(3, "15:00"));
    await make("open", "health", "errand", starts(4, "09:30"));
    await make("cancelled", "health", "appointment_companion", starts(5, "11:00"));
    await make("moved", "wellbeing", "appointment_companion", starts(5, "14:00"));
    ids.dinner = await circle.task({ title: "Bring dinner", kind: "meal", location: "12 Oak Road", startsAt: starts(3, "18:00") });

    const samClient = await asUser(sam);
    for (const key of ["ride", "visit", "cancelled", "moved", "dinner"] as const) {
      await samClient.rpc("claim_task", { task_id: ids[key] }).throwOnError();
    }
  }, 60_000);

  function expectNoSecrets() {
    expect(sentEmails.length).toBeGreaterThan(0);
    for (const email of sentEmails) {
      for (const part of [email.subject, email.text, email.html]) {
        for (const word of allWords()) {
          expect(part, `${email.subject} carries “${word}”`).not.toContain(word);
          expect(part).not.toContain(word.replace(/'/g, "&#39;"));
        }
      }
    }
  }

  const task = async (id: string) =>
    (await sql<{ starts_at: Date; ends_at: Date; all_day: boolean }>(`select starts_at, ends_at, all_day from public.tasks where id = $1`, [id]))[0];
  const whenOf = async (id: string) => {
    const t = await task(id);
    return taskWhen({ starts_at: t.starts_at.toISOString(), ends_at: t.ends_at.toISOString(), all_day: t.all_day }, TZ);
  };
  const link = (id: string) => `/circles/${circle.circleId}/tasks/${id}`;

  test("notices of claims, releases, cancellations and new times", async () => {
    const owner = await asUser(circle.owner);
    await owner.rpc("cancel_task", { task_id: ids.cancelled, note: CANCEL_NOTE }).throwOnError();
    await owner.from("tasks").update({ starts_at: starts(6, "14:00").toISOString(), ends_at: starts(6, "15:00").toISOString() }).eq("id", ids.moved).throwOnError();
    const report = await runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    expect(report.notices.rejected).toBe(0);
    expectNoSecrets();

    const toOwner = sentEmails.filter((e) => e.to === circle.owner.email);
    const claimedRide = toOwner.find((e) => e.text?.includes(link(ids.ride)))!;
    expect(claimedRide.subject).toMatch(/^Sam will help with “A ride” \(\w{3} \d+ \w{3}\)$/);
    expect(claimedRide.text).toContain(`When: ${await whenOf(ids.ride)}`);
    expect(claimedRide.text).toContain("The details are in the app.");
    const claimedDinner = toOwner.find((e) => e.text?.includes(link(ids.dinner)))!;
    expect(claimedDinner.subject).toContain("“Bring dinner”");

    const toSam = sentEmails.filter((e) => e.to === sam.email);
    const cancelled = toSam.find((e) => e.subject.endsWith("was cancelled"))!;
    expect(cancelled.subject).toMatch(/^“Company to an appointment” \(.+\) was cancelled$/);
    expect(cancelled.text).toContain(link(ids.cancelled));
    expect(cancelled.text).not.toContain("A word for the helpers");
    const moved = toSam.find((e) => e.subject.startsWith("New time"))!;
    expect(moved.text).toContain(`New time: ${await whenOf(ids.moved)}`);
    expect(moved.text).toContain(link(ids.moved));
  });

  test("a release at short notice", async () => {
    await sql(`update public.tasks set starts_at = now() + interval '20 hours', ends_at = now() + interval '21 hours' where id = $1`, [ids.visit]);
    await runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    resetResendMock();
    await (await asUser(sam)).rpc("release_task", { task_id: ids.visit }).throwOnError();
    await runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    const released = sentEmails.find((e) => e.to === circle.owner.email && e.subject.endsWith("needs a helper again"))!;
    expect(released.subject).toMatch(/^“A visit” \(.+\) needs a helper again$/);
    expect(released.text).toContain(link(ids.visit));
    expectNoSecrets();
  });

  test("digests", async () => {
    const report = await runEmailJob({ circleIds: [circle.circleId], phases: ["digests"] });
    expect(report.digests.sent).toBeGreaterThan(0);
    expectNoSecrets();
    const toCora = sentEmails.find((e) => e.to === cora.email)!;
    expect(toCora.text).toContain(`An errand\n  ${await whenOf(ids.open)} · details in the app\n  Claim it: `);
    expect(toCora.text).toContain(link(ids.open));
    expect(toCora.html).toContain("Claim “An errand”");
    const toSam = sentEmails.find((e) => e.to === sam.email)!;
    expect(toSam.text).toContain(`A ride\n  ${await whenOf(ids.ride)} · details in the app\n  See it: `);
    expect(toSam.text).toContain("Bring dinner");
    expect(toSam.text).toContain("12 Oak Road");
  });

  test("reminders the day before", async () => {
    const report = await runEmailJob({ now: starts(2, "20:00"), circleIds: [circle.circleId], phases: ["reminders"] });
    expect(report.reminders.sent).toBeGreaterThanOrEqual(2);
    expectNoSecrets();
    const toSam = sentEmails.filter((e) => e.to === sam.email);
    const ride = toSam.find((e) => e.text?.includes(link(ids.ride)))!;
    expect(ride.subject).toBe("Reminder: “A ride” tomorrow");
    expect(ride.text).toContain(`When: ${await whenOf(ids.ride)}`);
    expect(ride.text).toContain("The details are in the app.");
    const dinner = toSam.find((e) => e.text?.includes(link(ids.dinner)))!;
    expect(dinner.text).toContain("Where: 12 Oak Road");
  });
});
