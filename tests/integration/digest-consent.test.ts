import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runEmailJob } from "~/jobs/email-job.server";
import { at, days, deliveries, hours, makeCircle, type Person, type TestCircle } from "../helpers/digest-fixture";
import { clientWithToken, closeSql, projectJwt, sql } from "../helpers/supabase";
import { resetResendMock, sentEmails, server } from "../mocks";

// Consent in email: a digest shows a member exactly what the pages show them (the same rule, evaluated
// for them), never health or wellbeing update text, other text only when the person chose full text,
// and nothing at all to someone removed from the circle.

process.env.RESEND_API_KEY = "re_test_digest_consent";

beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
beforeEach(() => resetResendMock());
afterAll(async () => {
  server.close();
  await closeSql();
});

const SECRET = { health: "HEALTH-SECRET-7731", wellbeing: "WELLBEING-SECRET-2290", general: "GENERAL-TEXT-5512", milestones: "MILESTONE-TEXT-8841" };

type Scenario = {
  circle: TestCircle;
  now: Date;
  hana: Person; // supporter: practical, health
  noah: Person; // supporter: practical, general, wellbeing (no health)
  gone: Person; // held everything, removed an hour before the run
  tasks: Record<"ride" | "dinner" | "walk" | "call", string>;
};

async function scenario(): Promise<Scenario> {
  const now = new Date();
  const circle = await makeCircle({ ownerPrefs: { frequency: "off" } });
  const hana = await circle.member("Hana", { categories: ["practical", "health"] });
  const noah = await circle.member("Noah", { categories: ["practical", "general", "wellbeing"] });
  const gone = await circle.member("Gwen", { categories: ["practical", "general", "milestones", "wellbeing", "health"] });
  const tasks = {
    ride: await circle.task({ title: "Ride to therapy", category: "health", startsAt: at(now, days(2)) }),
    dinner: await circle.task({ title: "Bring dinner", category: "practical", startsAt: at(now, days(1)) }),
    walk: await circle.task({ title: "Walk the dog", category: "practical", startsAt: at(now, days(3)), audience: [hana.memberId] }),
    call: await circle.task({ title: "Check-in call", category: "wellbeing", startsAt: at(now, days(4)) }),
  };
  for (const category of ["health", "wellbeing", "general", "milestones"] as const) {
    await circle.update({ author: circle.owner, category, body: `${SECRET[category]} words`, publishedAt: at(now, -hours(2)) });
  }
  // As remove_member does it (grants dropped, future claims released), an hour before the run.
  await sql(`select private.end_membership(m, 'removed') from public.circle_members m where m.id = $1`, [gone.memberId]);
  await sql(`update public.circle_members set ended_at = $2 where id = $1`, [gone.memberId, at(now, -hours(1))]);
  return { circle, now, hana, noah, gone, tasks };
}

const run = (s: Scenario) =>
  runEmailJob({ now: s.now, force: true, circleIds: [s.circle.circleId], phases: ["digests"] });

function emailTo(person: Person) {
  const emails = sentEmails.filter((email) => email.to === person.email);
  expect(emails.length, `emails to ${person.name}`).toBeLessThanOrEqual(1);
  return emails[0] ?? null;
}

const claimLinks = (text: string) => [...text.matchAll(/Claim it: \S+\/tasks\/([0-9a-f-]{36})/g)].map((m) => m[1]);

/** What the member sees through the API with their own JWT, as the calendar page does. */
async function tasksVisibleTo(person: Person, circleId: string) {
  const token = await projectJwt({ role: "authenticated", aud: "authenticated", sub: person.userId });
  const { data, error } = await clientWithToken(token).from("tasks").select("id").eq("circle_id", circleId);
  expect(error).toBeNull();
  return (data ?? []).map((row) => row.id as string).sort();
}

describe("a digest shows each member what the pages show them", () => {
  test("tasks: the same as through the API with their own token; no health task without the health grant", async () => {
    const s = await scenario();
    await run(s);

    const noah = emailTo(s.noah)!;
    expect(claimLinks(noah.text!).sort()).toEqual([s.tasks.dinner, s.tasks.call].sort());
    expect(claimLinks(noah.text!).sort()).toEqual(await tasksVisibleTo(s.noah, s.circle.circleId));
    expect(`${noah.subject} ${noah.html} ${noah.text}`).not.toMatch(/Ride to therapy|Walk the dog|health update/i);

    const hana = emailTo(s.hana)!;
    expect(claimLinks(hana.text!).sort()).toEqual([s.tasks.ride, s.tasks.dinner, s.tasks.walk].sort());
    expect(claimLinks(hana.text!).sort()).toEqual(await tasksVisibleTo(s.hana, s.circle.circleId));
  });

  test("a member removed an hour before the run gets nothing, not even an empty record", async () => {
    const s = await scenario();
    await run(s);
    expect(emailTo(s.gone)).toBeNull();
    expect((await deliveries([s.circle.circleId])).filter((row) => row.member_id === s.gone.memberId)).toEqual([]);
    expect(await tasksVisibleTo(s.gone, s.circle.circleId)).toEqual([]);
  });

  test("titles only (the default): who shared what, and no update text at all", async () => {
    const s = await scenario();
    await run(s);
    const noah = emailTo(s.noah)!;
    const all = `${noah.subject}\n${noah.html}\n${noah.text}`;
    expect(all).toContain("Maria shared a general update");
    expect(all).toContain("Maria shared a wellbeing update");
    expect(all).not.toContain("milestone update"); // not shared with Noah
    for (const secret of Object.values(SECRET)) expect(all).not.toContain(secret);
    const hana = emailTo(s.hana)!;
    expect(hana.text).toContain("Maria shared a health update");
    for (const secret of Object.values(SECRET)) expect(`${hana.html}${hana.text}`).not.toContain(secret);
  });

  test("full text: the text of other updates, but never of health or wellbeing ones", async () => {
    const s = await scenario();
    await sql(`insert into public.circle_email_settings (circle_id, update_text) values ($1, 'full')`, [s.circle.circleId]);
    await run(s);
    const noah = emailTo(s.noah)!;
    const all = `${noah.html}\n${noah.text}`;
    expect(all).toContain(SECRET.general);
    expect(all).not.toContain(SECRET.wellbeing);
    expect(all).not.toContain(SECRET.health);
    expect(all).not.toContain(SECRET.milestones); // not shared with Noah
    const hana = emailTo(s.hana)!;
    expect(`${hana.html}${hana.text}`).not.toContain(SECRET.health);
  });

  test("while the person has paused updates, digests show none; tasks go on", async () => {
    const s = await scenario();
    await sql(`update public.circles set updates_paused = true where id = $1`, [s.circle.circleId]);
    await run(s);
    const noah = emailTo(s.noah)!;
    expect(noah.text).not.toMatch(/shared an? \w+ update/);
    expect(claimLinks(noah.text!)).toHaveLength(2);
  });

  test("the person's own digest shows every open task, their own updates are not news to them", async () => {
    const s = await scenario();
    await sql(`update public.email_preferences set digest_frequency = 'weekly' where member_id = $1`, [s.circle.owner.memberId]);
    await run(s);
    const maria = emailTo(s.circle.owner)!;
    expect(claimLinks(maria.text!).sort()).toEqual(Object.values(s.tasks).sort());
    expect(maria.text).not.toMatch(/Maria shared/);
  });
});
