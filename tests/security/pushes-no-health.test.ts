// Issue 13: no push notification carries the title, place or notes of a health or wellbeing task, nor a
// cancel note or a check-in's words. The scenario of emails-no-health.test.ts, with a device for each
// member: health and wellbeing tasks with distinctive words are claimed, released, cancelled with a
// note, moved, reminded and listed in digests by the real email job, the push service answered by msw.
// Every push is decrypted with its device's private key; none may hold those words, nor any place at
// all, while the kind of help, the time and the link to the task are there. A practical task's title
// still appears, so the check can fail.

import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { addDays, toLocalDate, zonedInstant } from "~/calendar/time";
import { taskWhen } from "~/digest/render";
import { runEmailJob } from "~/jobs/email-job.server";
import { makeCircle, type Person, type TestCircle } from "../helpers/digest-fixture";
import { clientWithToken, closeSql, projectJwt, sql } from "../helpers/supabase";
import { decryptPush, newDevice, pushRequests, pushServiceHandlers, resetPushService, type Device } from "../mocks/push-service";
import { resendHandlers, resetResendMock } from "../mocks/resend";

process.env.RESEND_API_KEY = "re_test_pushes_no_health";

const server = setupServer(...resendHandlers, ...pushServiceHandlers);
beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
beforeEach(() => {
  resetResendMock();
  resetPushService();
});
afterAll(async () => {
  server.close();
  await closeSql();
});

const TZ = "Europe/Dublin";

async function asUser(person: Person) {
  return clientWithToken(await projectJwt({ role: "authenticated", aud: "authenticated", sub: person.userId }));
}

const SECRET = {
  ride: { title: "Psychiatrist review with Dr Lee", location: "St Brigid's mental health unit", notes: "lithium levels" },
  visit: { title: "Sit with Maria after group therapy", location: "Phoenix Park gate", notes: "panic attacks lately" },
  open: { title: "Collect the clozapine prescription", location: "Clozapine clinic, Ward 7", notes: "blood test first" },
  cancelled: { title: "Depot injection appointment", location: "Community mental health team", notes: "left arm" },
  moved: { title: "Counselling at Pieta House", location: "Pieta House Lucan", notes: "second session" },
};
const CANCEL_NOTE = "Dr Lee moved the depot injection";
const CHECK_IN = "Bad night, the voices again";
const FORBIDDEN = [...Object.values(SECRET).flatMap((t) => [t.title, t.location, t.notes]), CANCEL_NOTE, CHECK_IN, "12 Oak Road"];

type Message = { title: string; body: string; url: string; tag: string };

describe("pushes say what kind of help and when, never a health or wellbeing task's words", () => {
  let circle: TestCircle;
  let sam: Person;
  const devices = new Map<string, Device>();
  const ids: Record<keyof typeof SECRET | "dinner", string> = { ride: "", visit: "", open: "", cancelled: "", moved: "", dinner: "" };
  const starts = (day: number, time: string) => zonedInstant(addDays(toLocalDate(new Date(), TZ), day), time, TZ);

  beforeAll(async () => {
    const daily = { frequency: "daily", hour: 0 } as const;
    circle = await makeCircle({ timeZone: TZ, ownerPrefs: daily });
    const cora = await circle.member("Cora", { role: "coordinator", categories: ["practical", "health", "wellbeing"], prefs: daily });
    sam = await circle.member("Sam", { categories: ["practical", "health", "wellbeing"], prefs: daily });
    for (const person of [circle.owner, cora, sam]) {
      const device = newDevice();
      await sql(
        `insert into public.push_subscriptions (member_id, circle_id, endpoint, p256dh, auth, device_label) values ($1, $2, $3, $4, $5, 'Phone')`,
        [person.memberId, circle.circleId, device.endpoint, device.p256dh, device.auth],
      );
      devices.set(device.endpoint, device);
    }
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

  /** Every push sent since the last reset, decrypted; none holds a forbidden word. */
  function messages(): Message[] {
    expect(pushRequests.length).toBeGreaterThan(0);
    return pushRequests.map((request) => {
      const text = decryptPush(request.body, devices.get(request.endpoint)!);
      for (const word of FORBIDDEN) expect(text, `a push carries “${word}”`).not.toContain(word);
      return JSON.parse(text) as Message;
    });
  }

  const whenOf = async (id: string) => {
    const [t] = await sql<{ starts_at: Date; ends_at: Date; all_day: boolean }>(`select starts_at, ends_at, all_day from public.tasks where id = $1`, [id]);
    return taskWhen({ starts_at: t.starts_at.toISOString(), ends_at: t.ends_at.toISOString(), all_day: t.all_day }, TZ);
  };
  const link = (id: string) => `/circles/${circle.circleId}/tasks/${id}`;

  test("claims, cancellations with a note, new times", async () => {
    const owner = await asUser(circle.owner);
    await owner.rpc("cancel_task", { task_id: ids.cancelled, note: CANCEL_NOTE }).throwOnError();
    await owner.from("tasks").update({ starts_at: starts(6, "14:00").toISOString(), ends_at: starts(6, "15:00").toISOString() }).eq("id", ids.moved).throwOnError();
    await runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    const sent = messages();
    const ride = sent.find((m) => m.url === link(ids.ride))!;
    expect(ride.title).toBe("Sam will help with “A ride”");
    expect(ride.body).toContain(await whenOf(ids.ride));
    expect(sent.find((m) => m.url === link(ids.dinner))!.title).toBe("Sam will help with “Bring dinner”");
    expect(sent.find((m) => m.url === link(ids.cancelled) && m.title.endsWith("cancelled"))!.title).toBe("“Company to an appointment” was cancelled");
    const moved = sent.find((m) => m.url === link(ids.moved) && m.title.startsWith("New time"))!;
    expect(moved.title).toBe("New time for “Company to an appointment”");
    expect(moved.body).toContain(await whenOf(ids.moved));
  });

  test("a release at short notice", async () => {
    await sql(`update public.tasks set starts_at = now() + interval '20 hours', ends_at = now() + interval '21 hours' where id = $1`, [ids.visit]);
    await runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    resetPushService();
    await (await asUser(sam)).rpc("release_task", { task_id: ids.visit }).throwOnError();
    await runEmailJob({ circleIds: [circle.circleId], phases: ["notices"] });
    const released = messages().find((m) => m.url === link(ids.visit))!;
    expect(released.title).toBe("“A visit” needs a helper again");
  });

  test("open tasks of the digests, and reminders the day before", async () => {
    await runEmailJob({ circleIds: [circle.circleId], phases: ["digests"] });
    const open = messages().filter((m) => m.tag.startsWith("open_tasks/"));
    expect(open.length).toBeGreaterThan(0);
    // The first open task, by its kind of help: the released visit (sooner) or the errand.
    expect(open.every((m) => /^“(A visit|An errand)” · /.test(m.body))).toBe(true);
    resetPushService();
    await runEmailJob({ now: starts(2, "20:00"), circleIds: [circle.circleId], phases: ["reminders"] });
    const reminders = messages();
    expect(reminders.find((m) => m.url === link(ids.ride))!.title).toBe("Tomorrow: “A ride”");
    expect(reminders.find((m) => m.url === link(ids.dinner))!.title).toBe("Tomorrow: “Bring dinner”");
  });

  test("a reach-out request: who asked, not the check-in", async () => {
    const [{ id: updateId }] = await sql<{ id: string }>(
      `insert into public.updates (circle_id, author_id, category, body, check_in, status, published_at)
       values ($1, $2, 'wellbeing', $3, 'red', 'published', now() - interval '1 minute') returning id`,
      [circle.circleId, circle.owner.userId, CHECK_IN],
    );
    await sql(`insert into public.reach_out_requests (circle_id, update_id, member_id) values ($1, $2, $3)`, [circle.circleId, updateId, sam.memberId]);
    await runEmailJob({ circleIds: [circle.circleId], phases: ["reach_outs"] });
    expect(messages()).toEqual([expect.objectContaining({ title: "Maria would like to hear from you", url: `/circles/${circle.circleId}/updates` })]);
  });
});
