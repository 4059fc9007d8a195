// The updates pages' loaders and actions, called with real Requests and real session cookies against
// the local stack: what each person is shown, what their forms do, and the messages for bad input.

import { beforeAll, describe, expect, test } from "vitest";
import * as deleteAccount from "~/routes/account.delete";
import * as checkIn from "~/routes/circles.$circleId.check-in";
import * as dataPage from "~/routes/circles.$circleId.data._index";
import * as exportRoute from "~/routes/circles.$circleId.data.export";
import * as notes from "~/routes/circles.$circleId.notes";
import * as planSection from "~/routes/circles.$circleId.plan.$kind";
import * as plan from "~/routes/circles.$circleId.plan._index";
import * as editUpdate from "~/routes/circles.$circleId.updates.$updateId.edit";
import * as support from "~/routes/circles.$circleId.updates.$updateId.support";
import * as feed from "~/routes/circles.$circleId.updates._index";
import * as drafts from "~/routes/circles.$circleId.updates.drafts";
import * as newUpdate from "~/routes/circles.$circleId.updates.new";
import { makeCircleFixture, type CircleFixture, type SignedIn } from "../helpers/circle-fixture";
import { latestEmail, listEmails } from "../helpers/mailbox";
import { get, post, run, signInCookie } from "../helpers/routes";
import { createUser, must, serviceClient } from "../helpers/supabase";

let f: CircleFixture;
const cookies = new Map<SignedIn, string>();
const cookie = async (who: SignedIn) => {
  if (!cookies.has(who)) cookies.set(who, await signInCookie(f.users[who].email));
  return cookies.get(who)!;
};
const params = () => ({ circleId: f.circleId });
const base = () => `/circles/${f.circleId}`;

async function feedIds(who: SignedIn): Promise<string[]> {
  const result = await run(feed.loader, get(`${base()}/updates`, await cookie(who)), params());
  expect(result.status).toBe(200);
  return result.data.items.map((i: { id: string }) => i.id);
}

async function updateCount() {
  const { count } = await serviceClient().from("updates").select("*", { count: "exact", head: true }).eq("circle_id", f.circleId);
  return count ?? 0;
}

beforeAll(async () => {
  f = await makeCircleFixture();
}, 120_000);

describe("the feed", () => {
  test("shows each person exactly what the consent rule allows, newest first", async () => {
    const result = await run(newUpdate.action, post(`${base()}/updates/new`, {
      body: "Line one\nhttps://nami.org\n<script>alert(1)</script>",
      category: "wellbeing",
      mood: "4",
      audience: [f.members.supW],
    }, await cookie("owner")), params());
    expect(result.status).toBe(302);
    const location = result.headers.get("Location")!;
    expect(location).toMatch(new RegExp(`^${base()}/updates\\?posted=published#update-`));
    const id = location.split("#update-")[1];

    expect((await feedIds("owner"))[0]).toBe(id);
    expect((await feedIds("supW"))[0]).toBe(id);
    expect(await feedIds("supOut")).not.toContain(id);
    expect(await feedIds("supWo")).not.toContain(id);
    expect(await feedIds("coordW")).not.toContain(id);

    const mine = (await run(feed.loader, get(`${base()}/updates`, await cookie("owner")), params())).data.items[0];
    expect(mine).toMatchObject({ id, mood: 4, category: "wellbeing", audienceNames: ["Sam"] });
    expect(mine.body).toContain("<script>alert(1)</script>");
    const theirs = (await run(feed.loader, get(`${base()}/updates`, await cookie("supW")), params())).data.items[0];
    expect(theirs).toMatchObject({ id, audienceNames: null, hasAudience: true, supporterNames: [] });
  });

  test("someone outside the circle gets a 404, signed-out people the sign-in page", async () => {
    const outsider = await run(feed.loader, get(`${base()}/updates`, await cookie("outsider")), params());
    expect(outsider.status).toBe(404);
    const removed = await run(feed.loader, get(`${base()}/updates`, await cookie("removed")), params());
    expect(removed.status).toBe(404);
    const anon = await run(feed.loader, get(`${base()}/updates`), params());
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toMatch(/^\/auth\/sign-in\?redirectTo=/);
  });

  test("pages by 20, newest first, without skipping or repeating", async () => {
    const person = await createUser({ displayName: "Pia" });
    const circle = must(await person.client.rpc("create_circle", { name: "Pia's circle", time_zone: "UTC" }));
    const rows = Array.from({ length: 45 }, (_, i) => ({
      circle_id: circle.id,
      author_id: person.id,
      category: "general",
      body: `Update ${i}`,
      published_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 30)).toISOString(), // ties on purpose
    }));
    must(await serviceClient().from("updates").insert(rows));
    const pia = await signInCookie(person.email);
    const seen: string[] = [];
    let url = `/circles/${circle.id}/updates`;
    for (let page = 0; page < 5; page++) {
      const result = await run(feed.loader, get(url, pia), { circleId: circle.id });
      seen.push(...result.data.items.map((i: { body: string }) => i.body));
      if (!result.data.next) break;
      url = `/circles/${circle.id}/updates?${new URLSearchParams({ before: result.data.next.at, beforeId: result.data.next.id })}`;
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
  });
});

describe("posting and editing", () => {
  test("bad input is refused with a message per field, and nothing is saved", async () => {
    const owner = await cookie("owner");
    const before = await updateCount();
    const attempt = async (fields: Record<string, string | string[]>) => {
      const result = await run(newUpdate.action, post(`${base()}/updates/new`, fields, owner), params());
      expect(result.status).toBe(400);
      return result.data.errors.fieldErrors;
    };
    expect((await attempt({ body: "   ", category: "general" })).body).toEqual(["Write something to share"]);
    expect((await attempt({ body: "x".repeat(10_001), category: "general" })).body).toEqual([
      "Keep an update to 10,000 characters or fewer",
    ]);
    expect((await attempt({ body: "Hi", category: "wellbeing", mood: "7" })).mood).toEqual(["Mood is a number from 1 to 5"]);
    expect((await attempt({ body: "Hi", category: "general", mood: "2" })).mood?.[0]).toMatch(/wellbeing/);
    const otherMember = must(
      await serviceClient().from("circle_members").select("id").eq("circle_id", f.otherCircleId).single(),
    ).id as string;
    expect((await attempt({ body: "Hi", category: "general", audience: [otherMember] })).audience).toEqual([
      "Choose people from this circle's list",
    ]);
    expect(await updateCount()).toBe(before);
    // The typed text comes back to refill the form.
    const refill = await run(newUpdate.action, post(`${base()}/updates/new`, { body: "Keep me", category: "nope" }, owner), params());
    expect(refill.data.values.body).toBe("Keep me");
  });

  test("a supporter cannot open the form; a coordinator drafts in their own categories only", async () => {
    expect((await run(newUpdate.loader, get(`${base()}/updates/new`, await cookie("supW")), params())).status).toBe(403);
    const form = await run(newUpdate.loader, get(`${base()}/updates/new`, await cookie("coordW")), params());
    expect(form.data.categories).toEqual(["practical", "wellbeing"]);
    expect(form.data.audience).toBeNull();
    const health = await run(
      newUpdate.action,
      post(`${base()}/updates/new`, { body: "Meds", category: "health" }, await cookie("coordW")),
      params(),
    );
    expect(health.status).toBe(400);
    expect(health.data.errors.fieldErrors.category).toEqual(["You can only write in the categories shared with you"]);
  });

  test("the person edits and deletes their update; a member cannot", async () => {
    const id = await (async () => {
      const r = await run(newUpdate.action, post(`${base()}/updates/new`, { body: "Before", category: "general" }, await cookie("owner")), params());
      return r.headers.get("Location")!.split("#update-")[1];
    })();
    const editParams = { ...params(), updateId: id };
    // coordWo holds general and sees the update, but only the person edits it; supW does not even see it.
    expect((await run(editUpdate.loader, get(`${base()}/updates/${id}/edit`, await cookie("coordWo")), editParams)).status).toBe(403);
    expect((await run(editUpdate.loader, get(`${base()}/updates/${id}/edit`, await cookie("supW")), editParams)).status).toBe(404);
    expect((await run(editUpdate.loader, get(`${base()}/updates/${id}/edit`, await cookie("outsider")), editParams)).status).toBe(404);
    const saved = await run(
      editUpdate.action,
      post(`${base()}/updates/${id}/edit`, { intent: "save", body: "After", category: "general" }, await cookie("owner")),
      editParams,
    );
    expect(saved.status).toBe(302);
    const row = must(await serviceClient().from("updates").select("body, edited_at").eq("id", id).single());
    expect(row.body).toBe("After");
    expect(row.edited_at).not.toBeNull();
    const deleted = await run(editUpdate.action, post(`${base()}/updates/${id}/edit`, { intent: "delete" }, await cookie("owner")), editParams);
    expect(deleted.headers.get("Location")).toBe(`${base()}/updates?posted=deleted`);
    expect(must(await serviceClient().from("updates").select("id").eq("id", id))).toEqual([]);
  });
});

describe("drafts", () => {
  test("a coordinator's draft waits, the person approves it, it appears, the author is told", async () => {
    const drafted = await run(
      newUpdate.action,
      post(`${base()}/updates/new`, { body: "Maria is resting this week.", category: "wellbeing" }, await cookie("coordW")),
      params(),
    );
    expect(drafted.headers.get("Location")).toBe(`${base()}/updates/drafts?submitted=1`);
    const queue = await run(drafts.loader, get(`${base()}/updates/drafts`, await cookie("owner")), params());
    const draft = queue.data.drafts.find((d: { body: string }) => d.body === "Maria is resting this week.");
    expect(draft).toMatchObject({ author: "Ana (coordinator)", status: "pending" });
    expect(await feedIds("supW")).not.toContain(draft.id);
    expect((await run(drafts.loader, get(`${base()}/updates/drafts`, await cookie("supW")), params())).status).toBe(403);

    const approved = await run(
      drafts.action,
      post(`${base()}/updates/drafts`, { intent: "approve", updateId: draft.id }, await cookie("owner")),
      params(),
    );
    expect(approved.headers.get("Location")).toBe(`${base()}/updates/drafts?reviewed=approved&emailed=1`);
    expect(await feedIds("supW")).toContain(draft.id);
    const notice = await latestEmail(f.users.coordW.email, { subject: /published the update you drafted/ });
    expect(notice.text).not.toContain("resting");

    const coordView = await run(drafts.loader, get(`${base()}/updates/drafts`, await cookie("coordW")), params());
    expect(coordView.data.decisions[0]).toMatchObject({ approved: true });
  });

  test("declining with a note: the author reads it in the app, not in the email", async () => {
    const id = await f.newUpdate({ status: "pending", authorId: f.users.coordW.id });
    const declined = await run(
      drafts.action,
      post(`${base()}/updates/drafts`, { intent: "decline", updateId: id, note: "Let's wait until Friday." }, await cookie("owner")),
      params(),
    );
    expect(declined.status).toBe(302);
    const email = await latestEmail(f.users.coordW.email, { subject: /decided not to publish/ });
    expect(email.text).not.toContain("Friday");
    const mine = await run(drafts.loader, get(`${base()}/updates/drafts`, await cookie("coordW")), params());
    expect(mine.data.drafts.find((d: { id: string }) => d.id === id)).toMatchObject({
      status: "declined",
      reviewNote: "Let's wait until Friday.",
    });
    const tooLong = await run(
      drafts.action,
      post(`${base()}/updates/drafts`, { intent: "decline", updateId: id, note: "x".repeat(501) }, await cookie("owner")),
      params(),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.data.errors.fieldErrors.note).toEqual(["Keep the note to 500 characters or fewer"]);
  });
});

describe("support and notes", () => {
  test("a member sends and withdraws support; the person sees who", async () => {
    const id = f.updates.published;
    const sent = await run(
      support.action,
      post(`${base()}/updates/${id}/support`, { supported: "true", redirectTo: `${base()}/updates#update-${id}` }, await cookie("supOut")),
      { ...params(), updateId: id },
    );
    expect(sent.status).toBe(302);
    expect(sent.headers.get("Location")).toBe(`${base()}/updates#update-${id}`);
    const ownerItem = (await run(feed.loader, get(`${base()}/updates`, await cookie("owner")), params())).data.items.find(
      (i: { id: string }) => i.id === id,
    );
    expect(ownerItem.supporterNames).toEqual(["Priya"]);
    const coordItem = (await run(feed.loader, get(`${base()}/updates`, await cookie("coordW")), params())).data.items.find(
      (i: { id: string }) => i.id === id,
    );
    expect(coordItem).toMatchObject({ supporters: 1, supportedByMe: false, supporterNames: [] });

    const hidden = await run(
      support.action,
      post(`${base()}/updates/${id}/support`, { supported: "true" }, await cookie("supWo")),
      { ...params(), updateId: id },
    );
    expect(hidden.status).toBe(404);
    expect(hidden.data.error).toMatch(/couldn't find that update/);
    // An open redirect is not: the redirect stays on this site.
    const offsite = await run(
      support.action,
      post(`${base()}/updates/${id}/support`, { supported: "false", redirectTo: "https://evil.example" }, await cookie("supOut")),
      { ...params(), updateId: id },
    );
    expect(offsite.headers.get("Location")).toBe(`${base()}/updates`);
  });

  test("a note reaches the person alone", async () => {
    const sent = await run(
      notes.action,
      post(`${base()}/notes`, { intent: "send", body: "You've got this.", updateId: f.updates.published }, await cookie("supW")),
      params(),
    );
    expect(sent.headers.get("Location")).toBe(`${base()}/notes?sent=1`);
    const bodies = async (who: SignedIn) =>
      (await run(notes.loader, get(`${base()}/notes`, await cookie(who)), params())).data.notes.map((n: { body: string }) => n.body);
    expect(await bodies("owner")).toContain("You've got this.");
    expect(await bodies("supW")).toContain("You've got this.");
    expect(await bodies("coordW")).not.toContain("You've got this.");
    expect(await bodies("supOut")).not.toContain("You've got this.");
    const empty = await run(notes.action, post(`${base()}/notes`, { intent: "send", body: " " }, await cookie("supW")), params());
    expect(empty.status).toBe(400);
    expect(empty.data.errors.fieldErrors.body).toEqual(["Write a few words first"]);
    // About an update they may not see: refused, nothing saved.
    const aboutHidden = await run(
      notes.action,
      post(`${base()}/notes`, { intent: "send", body: "Hi", updateId: f.updates.published }, await cookie("supWo")),
      params(),
    );
    expect(aboutHidden.status).toBe(403);
  });
});

describe("check-in", () => {
  test("is the person's; it emails whom they ask, with no detail; a bad request saves nothing", async () => {
    expect((await run(checkIn.loader, get(`${base()}/check-in`, await cookie("coordW")), params())).status).toBe(403);
    const page = await run(checkIn.loader, get(`${base()}/check-in`, await cookie("owner")), params());
    const choiceIds = page.data.choices.map((c: { id: string }) => c.id).sort();
    expect(choiceIds).toEqual([f.members.coordW, f.members.supOut, f.members.supW].sort());

    const before = await updateCount();
    const refused = await run(
      checkIn.action,
      post(`${base()}/check-in`, { colour: "red", note: "Bad night", reachOut: [f.members.supWo] }, await cookie("owner")),
      params(),
    );
    expect(refused.status).toBe(400);
    expect(refused.data.errors.fieldErrors.reachOut[0]).toMatch(/who see your wellbeing updates/);
    const noColour = await run(checkIn.action, post(`${base()}/check-in`, { note: "?" }, await cookie("owner")), params());
    expect(noColour.data.errors.fieldErrors.colour).toEqual(["Choose green, yellow or red"]);
    expect(await updateCount()).toBe(before);

    const shared = await run(
      checkIn.action,
      post(`${base()}/check-in`, { colour: "red", note: "Bad night, low mood.", reachOut: [f.members.supW] }, await cookie("owner")),
      params(),
    );
    expect(shared.status).toBe(302);
    const location = shared.headers.get("Location")!;
    expect(location).toMatch(/\/check-in\?shared=/);
    const email = await latestEmail(f.users.supW.email, { subject: /would like to hear from you/ });
    for (const part of [email.text, email.html]) {
      expect(part).not.toMatch(/bad night|low mood|red|wellbeing/i);
    }
    expect(await listEmails(f.users.supOut.email)).toEqual([]);
    const done = await run(checkIn.loader, get(location, await cookie("owner")), params());
    expect(done.data.shared).toMatchObject({ colour: "red", asked: ["Sam"] });
  });
});

describe("support plan", () => {
  test("the person writes a section for coordinators; members see it by the consent rule", async () => {
    const kindParams = { ...params(), kind: "crisis_contacts" };
    expect((await run(planSection.loader, get(`${base()}/plan/crisis_contacts`, await cookie("coordW")), kindParams)).status).toBe(403);
    expect((await run(planSection.loader, get(`${base()}/plan/nonsense`, await cookie("owner")), { ...params(), kind: "nonsense" })).status).toBe(404);
    const empty = await run(
      planSection.action,
      post(`${base()}/plan/crisis_contacts`, { intent: "save", body: "  ", category: "wellbeing" }, await cookie("owner")),
      kindParams,
    );
    expect(empty.data.errors.fieldErrors.body).toEqual(["Write something in this section, or delete it"]);
    const saved = await run(
      planSection.action,
      post(`${base()}/plan/crisis_contacts`, { intent: "save", body: "Call Ana, then Dr. Lee.", category: "wellbeing" }, await cookie("owner")),
      kindParams,
    );
    expect(saved.headers.get("Location")).toBe(`${base()}/plan?saved=1`);
    const kinds = async (who: SignedIn) =>
      (await run(plan.loader, get(`${base()}/plan`, await cookie(who)), params())).data.sections.map((s: { kind: string }) => s.kind);
    expect(await kinds("coordW")).toContain("crisis_contacts");
    expect(await kinds("supWo")).not.toContain("crisis_contacts");
    expect(await kinds("coordWo")).not.toContain("crisis_contacts");
    // Edit in place, then narrow it to one person.
    await run(
      planSection.action,
      post(
        `${base()}/plan/crisis_contacts`,
        { intent: "save", body: "Call Ana.", category: "wellbeing", audience: [f.members.coordW] },
        await cookie("owner"),
      ),
      kindParams,
    );
    expect(await kinds("supW")).not.toContain("crisis_contacts");
    expect(await kinds("coordW")).toContain("crisis_contacts");
  });
});

describe("the person's data", () => {
  test("export downloads one JSON file for the person; a member is refused", async () => {
    const result = await run(exportRoute.loader, get(`${base()}/data/export`, await cookie("owner")), params());
    expect(result.status).toBe(200);
    expect(result.headers.get("Content-Disposition")).toMatch(/^attachment; filename="marias-circle-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(result.headers.get("Cache-Control")).toBe("no-store");
    const doc = JSON.parse(result.body!);
    expect(doc.circle.id).toBe(f.circleId);
    expect(doc.members.length).toBeGreaterThan(5);
    // A member is sent to "Your data", which refuses with the app's error page (not a bare text 403).
    const refused = await run(exportRoute.loader, get(`${base()}/data/export`, await cookie("coordW")), params());
    expect(refused.status).toBe(302);
    expect(refused.headers.get("Location")).toBe(`${base()}/data`);
    expect((await run(dataPage.loader, get(`${base()}/data`, await cookie("coordW")), params())).status).toBe(403);
  });

  test("deleting a circle needs its name", async () => {
    const person = await createUser({ displayName: "Dee" });
    const circle = must(await person.client.rpc("create_circle", { name: "Dee's circle", time_zone: "UTC" }));
    const dee = await signInCookie(person.email);
    const p = { circleId: circle.id };
    const empty = await run(dataPage.action, post(`/circles/${circle.id}/data`, { confirm: "" }, dee), p);
    expect(empty.data.errors.fieldErrors.confirm).toEqual(["Type the name of the circle"]);
    const wrong = await run(dataPage.action, post(`/circles/${circle.id}/data`, { confirm: "Dee" }, dee), p);
    expect(wrong.status).toBe(400);
    expect(wrong.data.errors.fieldErrors.confirm).toEqual(["Type the name of the circle exactly as it is written"]);
    expect((await run(dataPage.action, post(`${base()}/data`, { confirm: "Maria's circle" }, await cookie("coordW")), params())).status).toBe(403);
    const done = await run(dataPage.action, post(`/circles/${circle.id}/data`, { confirm: "Dee's circle" }, dee), p);
    expect(done.headers.get("Location")).toBe("/circles?deleted=1");
    expect(must(await serviceClient().from("circles").select("id").eq("id", circle.id))).toEqual([]);
  });

  test("deleting one's account needs one's email, then signs out", async () => {
    const person = await createUser({ displayName: "Ed" });
    const ed = await signInCookie(person.email);
    const page = await run(deleteAccount.loader, get("/account/delete", ed));
    expect(page.data).toEqual({ email: person.email, owned: [], memberOf: [] });
    const wrong = await run(deleteAccount.action, post("/account/delete", { confirm: "not-me@example.test" }, ed));
    expect(wrong.data.errors.fieldErrors.confirm).toEqual(["Type your email address exactly as you sign in with it"]);
    const done = await run(deleteAccount.action, post("/account/delete", { confirm: person.email }, ed));
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/account/deleted");
    expect(done.headers.getSetCookie().some((c) => /max-age=0/i.test(c))).toBe(true);
    expect((await serviceClient().auth.admin.getUserById(person.id)).data.user).toBeNull();
  });
});
