import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as activity from "~/routes/circles.$circleId.activity";
import * as preview from "~/routes/circles.$circleId.preview.$memberId";
import * as previewChooser from "~/routes/circles.$circleId.preview._index";
import * as sharedWithMe from "~/routes/circles.$circleId.shared-with-me";
import { makeCircleFixture, type CircleFixture, type SignedIn } from "../helpers/circle-fixture";
import { must, sql } from "../helpers/supabase";
import { get, newCircle, run, signInCookie } from "../helpers/routes";

// "What is shared with me", "Preview as…" and the activity log, against the RLS matrix's circle
// (see tests/helpers/circle-fixture.ts for who holds what).

let f: CircleFixture;
const cookies = new Map<SignedIn, string>();
const cookie = async (who: SignedIn) => {
  if (!cookies.has(who)) cookies.set(who, await signInCookie(f.users[who].email));
  return cookies.get(who)!;
};

beforeAll(async () => {
  f = await makeCircleFixture();
});
beforeEach(() => resetRateLimits());

const previewOf = async (memberId: string, who: SignedIn = "owner") =>
  run(preview.loader, get(`/circles/${f.circleId}/preview/${memberId}`, await cookie(who)), {
    circleId: f.circleId,
    memberId,
  });

describe("Preview as…", () => {
  test("the owner chooses among the active members; a member may not preview", async () => {
    const chooser = await run(previewChooser.loader, get(`/circles/${f.circleId}/preview`, await cookie("owner")), {
      circleId: f.circleId,
    });
    const ids = chooser.data.members.map((m: { id: string }) => m.id).sort();
    expect(ids).toEqual([f.members.coordW, f.members.coordWo, f.members.supW, f.members.supWo, f.members.supOut].sort());

    const asMember = await run(previewChooser.loader, get(`/circles/${f.circleId}/preview`, await cookie("supW")), {
      circleId: f.circleId,
    });
    expect(asMember.status).toBe(403);
    expect((await previewOf(f.members.supWo, "supW")).status).toBe(403);
  });

  test.each(["supW", "supWo", "supOut", "coordWo"] as const)(
    "previewing %s shows exactly the tasks and updates that member's own requests return",
    async (who) => {
      const page = await previewOf(f.members[who]);
      expect(page.status).toBe(200);
      const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
      const ownTasks = must(await f.as(who).from("tasks").select("title").eq("circle_id", f.circleId).gte("starts_at", since));
      const ownUpdates = must(await f.as(who).from("updates").select("body").eq("circle_id", f.circleId));
      expect(page.data.tasks.map((t: { title: string }) => t.title).sort()).toEqual(
        ownTasks.map((t: { title: string }) => t.title).sort(),
      );
      expect(page.data.updates.map((u: { body: string }) => u.body).sort()).toEqual(
        ownUpdates.map((u: { body: string }) => u.body).sort(),
      );
    },
  );

  test("the preview follows the consent rule: grants and audiences", async () => {
    const titles = async (memberId: string) =>
      (await previewOf(memberId)).data.tasks.map((t: { title: string }) => t.title).sort();
    expect(await titles(f.members.supW)).toEqual(["Bring dinner", "Check-in call", "Walk together"]);
    expect(await titles(f.members.supOut)).toEqual(["Bring dinner", "Check-in call"]);
    expect(await titles(f.members.supWo)).toEqual(["Bring dinner"]);
    const supW = await previewOf(f.members.supW);
    expect(supW.data.member).toMatchObject({ name: "Sam", role: "supporter" });
    expect(supW.data.categories).toEqual(["practical", "wellbeing"]);
    expect(supW.data.updates.map((u: { body: string }) => u.body)).toContain("A good week.");
    expect((await previewOf(f.members.supWo)).data.updates).toEqual([]);
  });

  test("former members, the owner's own row and strangers' ids cannot be previewed", async () => {
    expect((await previewOf(f.members.removed)).status).toBe(404);
    expect((await previewOf(f.members.left)).status).toBe(404);
    expect((await previewOf(f.members.owner)).status).toBe(404);
    expect((await previewOf(crypto.randomUUID())).status).toBe(404);
    expect((await previewOf("not-a-uuid")).status).toBe(404);
  });
});

describe("What is shared with me", () => {
  test("a member sees their role, their categories in plain words, and the changes about them", async () => {
    const page = await run(sharedWithMe.loader, get(`/circles/${f.circleId}/shared-with-me`, await cookie("supWo")), {
      circleId: f.circleId,
    });
    expect(page.data).toMatchObject({
      owner: false,
      ownerName: "Maria",
      role: "supporter",
      label: "Tom",
      categories: ["practical"],
      notShared: ["general", "milestones", "wellbeing", "health"],
    });
    expect(page.data.history.map((h: { text: string }) => h.text)).toEqual([
      expect.stringMatching(/^You joined the circle as a supporter, with Practical shared on \d{1,2} \w+\.$/),
    ]);
  });

  test("the owner is pointed to Preview as… instead", async () => {
    const page = await run(sharedWithMe.loader, get(`/circles/${f.circleId}/shared-with-me`, await cookie("owner")), {
      circleId: f.circleId,
    });
    expect(page.data).toEqual({ owner: true });
  });
});

describe("the activity log", () => {
  test("the owner reads every consent change as a sentence, in the circle's time zone", async () => {
    const page = await run(activity.loader, get(`/circles/${f.circleId}/activity`, await cookie("owner")), {
      circleId: f.circleId,
    });
    const texts: string[] = page.data.entries.map((e: { text: string }) => e.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        "You created the circle “Maria's circle”.",
        expect.stringMatching(/^You invited .+ as a supporter \(“Sam”\), sharing Practical and Wellbeing\.$/),
        "Sam joined the circle as a supporter, with Practical and Wellbeing shared.",
        "You removed Rae from the circle.",
        "Lee left the circle.",
      ]),
    );
    expect(page.data.entries[0].when).toMatch(/\(Dublin time\)$/);
  });

  test("a long log comes in pages of 100, newest first, each older page following on without gaps", async () => {
    const { circleId, cookie: owner } = await newCircle("Noor");
    // 230 more entries, the last 200 written at one instant (one statement): the id orders those.
    await sql(
      `insert into public.audit_events (circle_id, action, details, created_at)
       select $1, 'settings_changed', '{}', now() - interval '1 day' + i * interval '1 second' from generate_series(1, 30) i`,
      [circleId],
    );
    await sql(
      `insert into public.audit_events (circle_id, action, details) select $1, 'settings_changed', '{}' from generate_series(1, 200)`,
      [circleId],
    );
    const all = (
      await sql<{ id: string }>(`select id from public.audit_events where circle_id = $1 order by created_at desc, id desc`, [circleId])
    ).map((row) => Number(row.id));
    expect(all).toHaveLength(231);

    const seen: number[] = [];
    let path = `/circles/${circleId}/activity`;
    for (const size of [100, 100, 31]) {
      const page = await run(activity.loader, get(path, owner), { circleId });
      expect(page.status).toBe(200);
      expect(page.data.entries).toHaveLength(size);
      seen.push(...page.data.entries.map((e: { id: number }) => Number(e.id)));
      expect(page.data.isOlderPage).toBe(seen.length > 100);
      if (seen.length === all.length) expect(page.data.olderHref).toBeNull();
      else path = `/circles/${circleId}/activity${page.data.olderHref}`;
    }
    expect(seen).toEqual(all);
  });

  test("a malformed page address is a 404, not an error", async () => {
    for (const before of ["yesterday", "2026-11-27T10:00:00Z|x", "2026-13-45T99:00:00Z|12", "1|2|3"]) {
      const path = `/circles/${f.circleId}/activity?before=${encodeURIComponent(before)}`;
      const page = await run(activity.loader, get(path, await cookie("owner")), { circleId: f.circleId });
      expect(page.status).toBe(404);
    }
  });

  test("a member reads only the entries about themselves", async () => {
    const page = await run(activity.loader, get(`/circles/${f.circleId}/activity`, await cookie("supW")), {
      circleId: f.circleId,
    });
    expect(page.data.isOwner).toBe(false);
    expect(page.data.entries.map((e: { text: string }) => e.text)).toEqual([
      "You joined the circle as a supporter, with Practical and Wellbeing shared.",
    ]);
  });
});
