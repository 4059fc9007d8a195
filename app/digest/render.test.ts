import { describe, expect, test } from "vitest";
import type { DigestContent, NoticeEvent, ReminderContent } from "~/digest/content";
import { digestHasNews } from "~/digest/content";
import { digestSubject, renderDigest, renderNotice, renderReminder } from "~/digest/render";
import { senderFor } from "~/email.server";

const APP = "https://circle.example";
const ctx = { appUrl: APP, appName: "Circle", now: new Date("2026-03-09T08:00:00Z"), unsubscribeUrl: `${APP}/unsubscribe/tok` };
const circleId = "11111111-1111-4111-8111-111111111111";

const task = (id: string, title: string, extra: Partial<DigestContent["open_tasks"][number]> = {}) => ({
  id,
  title,
  kind: "meal",
  category: "practical" as const,
  starts_at: "2026-03-10T18:30:00Z",
  ends_at: "2026-03-10T19:30:00Z",
  all_day: false,
  slots: 1,
  location: null,
  contact_preference: null,
  claimed: 0,
  ...extra,
});

function content(overrides: Partial<DigestContent> = {}): DigestContent {
  return {
    member_id: "22222222-2222-4222-8222-222222222222",
    circle_id: circleId,
    user_id: "33333333-3333-4333-8333-333333333333",
    role: "supporter",
    email: "sam@example.test",
    name: "Sam",
    circle_name: "Maria's circle",
    time_zone: "Europe/Dublin",
    period: "2026-03-09",
    frequency: "weekly",
    since: "2026-03-02T08:00:00Z",
    update_text: "titles",
    open_tasks: [
      task("44444444-4444-4444-8444-444444444444", "Walk <script>alert(1)</script>", { claimed: 1, slots: 2 }),
      task("55555555-5555-4555-8555-555555555555", "Bring dinner", { location: "12 Oak Road" }),
    ],
    open_count: 2,
    my_tasks: [],
    updates: [
      { id: "66666666-6666-4666-8666-666666666666", category: "general", published_at: "2026-03-08T10:00:00Z", author: "Maria", body: null },
    ],
    update_count: 1,
    ...overrides,
  };
}

const links = (s: string) => [...s.matchAll(/https?:\/\/[^\s"<>]+/g)].map((m) => m[0]);

describe("the digest email", () => {
  test("HTML and text parts, every task with a link straight to it, escaped, links to the app only", () => {
    const email = renderDigest(content(), ctx);
    expect(email.subject).toBe("Maria's circle: 2 tasks need help, 1 new update");
    for (const part of [email.html, email.text]) {
      expect(part).toContain(`${APP}/circles/${circleId}/tasks/44444444-4444-4444-8444-444444444444`);
      expect(part).toContain(`${APP}/circles/${circleId}/tasks/55555555-5555-4555-8555-555555555555`);
      expect(part).toContain(`${APP}/circles/${circleId}/notifications`);
      expect(part).toContain(`${APP}/unsubscribe/tok`);
      expect(links(part).every((link) => link.startsWith(`${APP}/`))).toBe(true);
    }
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("Walk &lt;script&gt;");
    expect(email.html).toContain('<html lang="en">');
    expect(email.html).toContain('name="viewport"');
    expect(email.text).toContain("Tue 10 Mar, 18:30–19:30 (Dublin time) · 12 Oak Road");
  });

  test("unclaimed tasks are marked as such; partly claimed ones say how many are still needed", () => {
    const email = renderDigest(content(), ctx);
    expect(email.text).toContain("[Unclaimed: 1 helper needed] Bring dinner");
    expect(email.text).toContain("[1 of 2 spots taken] Walk");
  });

  test("health and wellbeing text never appears, even if it were handed over; titles only shows none", () => {
    const updates: DigestContent["updates"] = [
      { id: "77777777-7777-4777-8777-777777777777", category: "health", published_at: "2026-03-08T10:00:00Z", author: "Maria", body: "MEDS", title: "MEDS TITLE" },
      { id: "88888888-8888-4888-8888-888888888888", category: "wellbeing", published_at: "2026-03-08T10:00:00Z", author: "Maria", body: "LOW DAY" },
      { id: "99999999-9999-4999-8999-999999999999", category: "general", published_at: "2026-03-08T10:00:00Z", author: "Maria", body: "We got a puppy\nHe is small" },
    ];
    const full = renderDigest(content({ updates, update_count: 3, update_text: "full" }), ctx);
    for (const part of [full.html, full.text, full.subject]) {
      expect(part).not.toMatch(/MEDS|LOW DAY/);
    }
    expect(full.text).toContain("  We got a puppy\n  He is small");
    expect(full.text).toContain("Maria shared a health update");
    expect(full.text).toContain("Maria shared a wellbeing update");
    const titles = renderDigest(content({ updates: updates.map((u) => ({ ...u, body: null })), update_count: 3 }), ctx);
    expect(titles.text).not.toContain("puppy");
  });

  test("more than shown: says how many more, and where", () => {
    const email = renderDigest(content({ open_count: 25, update_count: 30 }), ctx);
    expect(email.text).toContain(`And 23 more tasks: ${APP}/circles/${circleId}/calendar`);
    expect(email.text).toContain("And 29 more updates in Circle.");
  });

  test("subjects stay on one line and say what is new", () => {
    expect(digestSubject(content({ circle_name: "Bad\r\nBcc: x@y.z" }))).toBe("Bad Bcc: x@y.z: 2 tasks need help, 1 new update");
    expect(digestSubject(content({ open_tasks: [], open_count: 0, updates: [], update_count: 0, my_tasks: [task("a", "x")] }))).toBe(
      "Maria's circle: 1 task of yours coming up",
    );
  });

  test("nothing to say: nothing to send", () => {
    expect(digestHasNews(content({ open_tasks: [], updates: [], my_tasks: [] }))).toBe(false);
    expect(digestHasNews(content())).toBe(true);
  });
});

describe("reminders and notices", () => {
  const reminder: ReminderContent = {
    member_id: "22222222-2222-4222-8222-222222222222",
    circle_id: circleId,
    email: "sam@example.test",
    name: "Sam",
    circle_name: "Maria's circle",
    time_zone: "America/New_York",
    claim_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    person_name: "Maria",
    task: task("55555555-5555-4555-8555-555555555555", "Visit", { kind: "visit", contact_preference: "happy_to_chat" }),
    co_helpers: [],
  };

  test("a reminder says when, that nobody else helps, and the person's contact preference", () => {
    const email = renderReminder(reminder, ctx);
    expect(email.subject).toBe("Reminder: “Visit” tomorrow");
    expect(email.text).toContain("When: Tue 10 Mar, 14:30–15:30 (New York time)");
    expect(email.text).toContain("You are the only helper.");
    expect(email.text).toContain("Maria's preference: Happy to chat. Feel free to stay for a while.");
    expect(renderReminder({ ...reminder, co_helpers: ["Tom", "Ana"] }, ctx).text).toContain("Also helping: Tom and Ana.");
  });

  const event: NoticeEvent = {
    event_id: 7,
    kind: "released",
    circle_id: circleId,
    circle_name: "Maria's circle",
    time_zone: "Europe/Dublin",
    helper_name: "Sam",
    task: task("55555555-5555-4555-8555-555555555555", "Bring dinner"),
    cancel_note: null,
    previous_time: null,
    recipients: [],
  };

  test("notices name the helper and the task", () => {
    const released = renderNotice(event, "Maria", ctx);
    expect(released.subject).toBe("“Bring dinner” (Tue 10 Mar) needs a helper again");
    expect(released.text).toContain("Sam can no longer do “Bring dinner”, which starts in less than 48 hours.");
    expect(renderNotice({ ...event, kind: "claimed" }, "Maria", ctx).subject).toBe("Sam will help with “Bring dinner” (Tue 10 Mar)");
  });

  test("a helper is told their task was cancelled, with the note for the helpers escaped, and never the task's notes", () => {
    const withNotes = { ...event.task, notes: "Key under the mat" } as NoticeEvent["task"];
    const note = "Maria is in hospital <b>tonight</b>.\nThank you & sorry!";
    const email = renderNotice({ ...event, kind: "cancelled", task: withNotes, cancel_note: note }, "Sam", ctx);
    expect(email.subject).toBe("“Bring dinner” (Tue 10 Mar) was cancelled");
    expect(email.text).toContain("Hello Sam,");
    expect(email.text).toContain("“Bring dinner”, which you claimed, was cancelled: you no longer need to do it.");
    expect(email.text).toContain("It was planned for: Tue 10 Mar, 18:30–19:30 (Dublin time)");
    expect(email.text).toContain("A word for the helpers:\n  Maria is in hospital <b>tonight</b>.\n  Thank you & sorry!");
    expect(email.html).toContain("Maria is in hospital &lt;b&gt;tonight&lt;/b&gt;.\nThank you &amp; sorry!");
    expect(email.html).not.toContain("<b>tonight");
    for (const part of [email.html, email.text]) {
      expect(part).not.toContain("Key under the mat");
      expect(part).toContain(`${APP}/circles/${circleId}/tasks/55555555-5555-4555-8555-555555555555`);
      expect(part).not.toContain("nsubscribe"); // about their own promise: not something to turn off
    }
    const noNote = renderNotice({ ...event, kind: "cancelled" }, "Sam", ctx);
    expect(noNote.text).not.toContain("A word for the helpers");
  });

  test("a helper is told their task's new time, and the time before, in the circle's zone", () => {
    const moved = task("55555555-5555-4555-8555-555555555555", "Bring <dinner>", {
      starts_at: "2026-03-11T17:00:00Z",
      ends_at: "2026-03-11T18:00:00Z",
    });
    const email = renderNotice(
      {
        ...event,
        kind: "rescheduled",
        task: moved,
        previous_time: { starts_at: "2026-03-10T18:30:00Z", ends_at: "2026-03-10T19:30:00Z", all_day: false },
      },
      "Sam",
      ctx,
    );
    expect(email.subject).toBe("New time for “Bring <dinner>” (Wed 11 Mar)");
    expect(email.text).toContain("“Bring <dinner>”, which you claimed, has a new time.");
    expect(email.text).toContain("New time: Wed 11 Mar, 17:00–18:00 (Dublin time)");
    expect(email.text).toContain("Before: Tue 10 Mar, 18:30–19:30 (Dublin time)");
    expect(email.text).toContain("Can't make the new time? Release it in Circle");
    expect(email.html).toContain("“Bring &lt;dinner&gt;”, which you claimed");
    expect(email.html).not.toContain("<dinner>");
  });
});

describe("the sender", () => {
  test("is the circle's name via the app, never able to break the header", () => {
    expect(senderFor("Maria's circle")).toBe("Maria's circle via Circle <circle@localhost>");
    expect(senderFor("Smith, Ana")).toBe('"Smith, Ana via Circle" <circle@localhost>');
    expect(senderFor('Evil" <boss@bank.example>\r\nBcc: x')).toBe('"Evil boss@bank.example Bcc: x via Circle" <circle@localhost>');
  });
});
