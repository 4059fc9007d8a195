// Updates, support, notes, check-ins, the support plan and the person's data, through supabase-js with
// each person's own token: the behaviour around the RLS matrix (tests/integration/updates-rls.test.ts).

import { beforeAll, describe, expect, it } from "vitest";
import { makeCircleFixture, type CircleFixture } from "../helpers/circle-fixture";
import { createUser, must, serviceClient, signIn, sql } from "../helpers/supabase";
import { addUpdatesFixture, type UpdatesFixture } from "../helpers/updates-fixture";

type F = CircleFixture & { u: UpdatesFixture };

async function fixture(): Promise<F> {
  const circle = await makeCircleFixture();
  return Object.assign(circle, { u: await addUpdatesFixture(circle) });
}

const idsOf = (rows: Array<{ id: string }> | null) => (rows ?? []).map((r) => r.id);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function countRows(table: string, column: string, value: string) {
  const { count, error } = await serviceClient().from(table).select("*", { count: "exact", head: true }).eq(column, value);
  if (error) throw error;
  return count ?? 0;
}

describe("drafts", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("are seen by the person and their author only, and published by the person's approval", async () => {
    const draft = must(
      await f
        .as("coordW")
        .from("updates")
        .insert({ circle_id: f.circleId, category: "wellbeing", body: "Maria had a calm week.", status: "pending" })
        .select("id")
        .single(),
    ).id as string;
    for (const who of ["supW", "supOut", "coordWo", "supWo"] as const) {
      expect(must(await f.as(who).from("updates").select("id").eq("id", draft)), who).toEqual([]);
      expect(must(await f.as(who).rpc("update_support_summary", { update_ids: [draft] })), who).toEqual([]);
    }
    expect(idsOf(must(await f.as("owner").from("updates").select("id").eq("id", draft)))).toEqual([draft]);

    const review = must(await f.as("owner").rpc("review_update", { update_id: draft, approve: true }));
    expect(review).toMatchObject({ status: "published", author_email: f.users.coordW.email, circle_name: "Maria's circle" });
    expect(idsOf(must(await f.as("supW").from("updates").select("id").eq("id", draft)))).toEqual([draft]);
    const row = must(await serviceClient().from("updates").select("published_at, reviewed_at, reviewed_by").eq("id", draft).single());
    expect(row.published_at).not.toBeNull();
    expect(row.reviewed_by).toBe(f.users.owner.id);

    // The author reads the decision among the audit entries about them: the in-app notice.
    const audit = must(
      await f.as("coordW").from("audit_events").select("action, details").eq("subject_member_id", f.members.coordW).eq("action", "update_approved"),
    );
    expect(audit).toEqual([{ action: "update_approved", details: { update_id: draft, category: "wellbeing" } }]);

    const again = await f.as("owner").rpc("review_update", { update_id: draft, approve: false });
    expect(again.error?.message).toBe("update_already_reviewed");
  });

  it("a declined draft stays with its author, with the person's note, and the author may remove it", async () => {
    const draft = await f.newUpdate({ status: "pending", authorId: f.users.coordW.id });
    must(await f.as("owner").rpc("review_update", { update_id: draft, approve: false, note: "  Not this week, thank you.  " }));
    const mine = must(await f.as("coordW").from("updates").select("status, review_note").eq("id", draft).single());
    expect(mine).toEqual({ status: "declined", review_note: "Not this week, thank you." });
    expect(must(await f.as("supW").from("updates").select("id").eq("id", draft))).toEqual([]);
    // A declined draft can't be sneaked back: not by its author, not to published.
    const reopen = await f.as("coordW").from("updates").update({ status: "pending" }, { count: "exact" }).eq("id", draft);
    expect(reopen.count ?? 0).toBe(0);
    const removed = await f.as("coordW").from("updates").delete({ count: "exact" }).eq("id", draft);
    expect(removed.count).toBe(1);
  });

  it("only the person reviews, and a coordinator cannot publish their own draft", async () => {
    const draft = await f.newUpdate({ status: "pending", authorId: f.users.coordW.id });
    const byAuthor = await f.as("coordW").rpc("review_update", { update_id: draft, approve: true });
    expect(byAuthor.error?.message).toBe("not_circle_owner");
    const byOther = await f.as("supW").rpc("review_update", { update_id: draft, approve: true });
    expect(byOther.error?.message).toBe("update_not_found");
    const published = await f.as("coordW").from("updates").insert({
      circle_id: f.circleId,
      category: "wellbeing",
      body: "Straight out",
      status: "published",
    });
    expect(published.error?.code).toBe("42501");
  });

  it("a coordinator drafts only in categories they hold", async () => {
    const health = await f.as("coordW").from("updates").insert({ circle_id: f.circleId, category: "health", body: "Meds", status: "pending" });
    expect(health.error?.code).toBe("42501");
  });
});

describe("support", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("one per member, withdrawable; the count for all who see the update, the names for the person", async () => {
    const update = await f.u.newPublished();
    expect(must(await f.as("supOut").rpc("set_update_support", { update_id: update, supported: true }))).toBe(1);
    expect(must(await f.as("supW").rpc("set_update_support", { update_id: update, supported: true }))).toBe(2);
    // Twice is still once.
    expect(must(await f.as("supW").rpc("set_update_support", { update_id: update, supported: true }))).toBe(2);
    const direct = await f
      .as("supW")
      .from("update_reactions")
      .insert({ update_id: update, circle_id: f.circleId, member_id: f.members.supW });
    expect(direct.error?.code).toBe("23505");

    expect(must(await f.as("coordW").rpc("update_support_summary", { update_ids: [update] }))).toEqual([
      { update_id: update, supporters: 2, supported_by_me: false },
    ]);
    expect(must(await f.as("supW").rpc("update_support_summary", { update_ids: [update] }))).toEqual([
      { update_id: update, supporters: 2, supported_by_me: true },
    ]);
    // Names: the person reads all; a member only their own support.
    const ownerView = must(await f.as("owner").from("update_reactions").select("member_id").eq("update_id", update));
    expect(ownerView.map((r) => r.member_id).sort()).toEqual([f.members.supOut, f.members.supW].sort());
    const coordView = must(await f.as("coordW").from("update_reactions").select("member_id").eq("update_id", update));
    expect(coordView).toEqual([]);
    const supView = must(await f.as("supW").from("update_reactions").select("member_id").eq("update_id", update));
    expect(supView).toEqual([{ member_id: f.members.supW }]);

    expect(must(await f.as("supW").rpc("set_update_support", { update_id: update, supported: false }))).toBe(1);
    const own = await f.as("owner").rpc("set_update_support", { update_id: update, supported: true });
    expect(own.error?.message).toBe("cannot_support_own_update");
  });

  it("follows the update's audience: supOut cannot support an update for supW and coordW", async () => {
    const result = await f.as("supOut").rpc("set_update_support", { update_id: f.u.updates.audience, supported: true });
    expect(result.error?.message).toBe("update_not_found");
  });

  it("support stays counted when its sender's grant is later revoked", async () => {
    const spare = await f.spareMember("supporter", ["practical", "wellbeing"]);
    const update = await f.u.newPublished();
    await serviceClient()
      .from("update_reactions")
      .insert({ update_id: update, circle_id: f.circleId, member_id: spare.memberId });
    must(await f.as("owner").rpc("set_member_grants", { member_id: spare.memberId, categories: ["practical"] }));
    const summary = must(await f.as("owner").rpc("update_support_summary", { update_ids: [update] }));
    expect(summary).toEqual([{ update_id: update, supporters: 1, supported_by_me: false }]);
  });
});

describe("notes of encouragement", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("are read by the person, and by their author while in the circle; by no one else", async () => {
    const note = must(
      await f
        .as("supWo")
        .from("encouragement_notes")
        .insert({ circle_id: f.circleId, author_member_id: f.members.supWo, body: "  Proud of you.\r\nTom  " })
        .select("id, body")
        .single(),
    );
    expect(note.body).toBe("Proud of you.\nTom");
    for (const who of ["coordW", "coordWo", "supW", "supOut", "removed", "left", "invitee", "outsider"] as const) {
      expect(must(await f.as(who).from("encouragement_notes").select("id").eq("id", note.id)), who).toEqual([]);
    }
    expect(idsOf(must(await f.as("owner").from("encouragement_notes").select("id").eq("id", note.id)))).toEqual([note.id]);
    expect(idsOf(must(await f.as("supWo").from("encouragement_notes").select("id").eq("id", note.id)))).toEqual([note.id]);
    // Once the author leaves, their note is the person's alone.
    must(await f.as("supWo").rpc("leave_circle", { circle_id: f.circleId }));
    expect(must(await f.as("supWo").from("encouragement_notes").select("id").eq("id", note.id))).toEqual([]);
    expect(idsOf(must(await f.as("owner").from("encouragement_notes").select("id").eq("id", note.id)))).toEqual([note.id]);
  });

  it("refuse empty and over-long notes with a clear message", async () => {
    const empty = await f.as("supW").from("encouragement_notes").insert({ circle_id: f.circleId, author_member_id: f.members.supW, body: " \n " });
    expect(empty.error?.message).toBe("note_empty");
    const long = await f
      .as("supW")
      .from("encouragement_notes")
      .insert({ circle_id: f.circleId, author_member_id: f.members.supW, body: "x".repeat(2001) });
    expect(long.error?.message).toBe("note_too_long");
  });
});

describe("take a break", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("hides every update, support and reach-out from everyone but the person; the plan stays", async () => {
    must(await f.as("owner").rpc("set_updates_paused", { circle_id: f.circleId, paused: true }));
    try {
      for (const who of ["coordW", "supW", "supOut", "coordWo", "supWo"] as const) {
        const updates = must(await f.as(who).from("updates").select("id").eq("circle_id", f.circleId).eq("status", "published"));
        expect(updates, who).toEqual([]);
      }
      expect(must(await f.as("supW").rpc("update_support_summary", { update_ids: [f.updates.published] }))).toEqual([]);
      expect(must(await f.as("supW").from("update_reactions").select("update_id"))).toEqual([]);
      expect(must(await f.as("supW").from("reach_out_requests").select("id"))).toEqual([]);
      const support = await f.as("supOut").rpc("set_update_support", { update_id: f.updates.published, supported: true });
      expect(support.error?.message).toBe("update_not_found");
      const noteAbout = await f.as("supW").from("encouragement_notes").insert({
        circle_id: f.circleId,
        author_member_id: f.members.supW,
        update_id: f.updates.published,
        body: "About that update",
      });
      expect(noteAbout.error?.code).toBe("42501");
      // The person still sees everything; the support plan is not an update.
      expect(must(await f.as("owner").from("updates").select("id").eq("id", f.updates.published))).toHaveLength(1);
      expect(idsOf(must(await f.as("supW").from("support_plan_sections").select("id").eq("id", f.u.plan.wellbeing)))).toEqual([
        f.u.plan.wellbeing,
      ]);
    } finally {
      must(await f.as("owner").rpc("set_updates_paused", { circle_id: f.circleId, paused: false }));
    }
    expect(idsOf(must(await f.as("supW").from("updates").select("id").eq("id", f.updates.published)))).toEqual([f.updates.published]);
  });
});

describe("check-in", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("shares a wellbeing update with a colour and returns whom to email", async () => {
    const result = must(
      await f.as("owner").rpc("share_check_in", {
        circle_id: f.circleId,
        colour: "red",
        note: "Rough night.",
        reach_out: [f.members.supW, f.members.coordW, f.members.supW],
      }),
    ) as { update_id: string; recipients: Array<{ member_id: string; email: string }> };
    expect(result.recipients.map((r) => r.email).sort()).toEqual([f.users.coordW.email, f.users.supW.email].sort());
    const row = must(await serviceClient().from("updates").select("category, check_in, body, audience, status").eq("id", result.update_id).single());
    expect(row).toEqual({ category: "wellbeing", check_in: "red", body: "Rough night.", audience: null, status: "published" });
    // Everyone holding wellbeing sees it; supW sees that they were asked.
    expect(idsOf(must(await f.as("supOut").from("updates").select("id").eq("id", result.update_id)))).toEqual([result.update_id]);
    expect(must(await f.as("supW").from("reach_out_requests").select("member_id").eq("update_id", result.update_id))).toEqual([
      { member_id: f.members.supW },
    ]);
  });

  it("may be a colour alone, and may be shared only with the people asked", async () => {
    const result = must(
      await f.as("owner").rpc("share_check_in", {
        circle_id: f.circleId,
        colour: "yellow",
        reach_out: [f.members.supW],
        only_reach_out: true,
      }),
    ) as { update_id: string };
    const row = must(await serviceClient().from("updates").select("body, audience").eq("id", result.update_id).single());
    expect(row).toEqual({ body: "", audience: [f.members.supW] });
    expect(must(await f.as("supOut").from("updates").select("id").eq("id", result.update_id))).toEqual([]);
    expect(must(await f.as("supW").from("updates").select("id").eq("id", result.update_id))).toHaveLength(1);
  });

  it("refuses to ask someone without wellbeing, or from another circle, and saves nothing", async () => {
    const before = await countRows("updates", "circle_id", f.circleId);
    for (const member of [f.members.supWo, f.members.removed, f.members.owner]) {
      const refused = await f.as("owner").rpc("share_check_in", { circle_id: f.circleId, colour: "green", reach_out: [member] });
      expect(refused.error?.message).toBe("invalid_reach_out");
    }
    const otherMember = must(
      await serviceClient().from("circle_members").select("id").eq("circle_id", f.otherCircleId).single(),
    ).id as string;
    const other = await f.as("owner").rpc("share_check_in", { circle_id: f.circleId, colour: "green", reach_out: [otherMember] });
    expect(other.error?.message).toBe("invalid_reach_out");
    const longNote = await f.as("owner").rpc("share_check_in", { circle_id: f.circleId, colour: "green", note: "x".repeat(501) });
    expect(longNote.error?.message).toBe("check_in_note_too_long");
    const badColour = await f.as("owner").rpc("share_check_in", { circle_id: f.circleId, colour: "blue" });
    expect(badColour.error).not.toBeNull();
    expect(await countRows("updates", "circle_id", f.circleId)).toBe(before);
  });
});

describe("bad input on updates", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  const post = (row: Record<string, unknown>) =>
    f.as("owner").from("updates").insert({ circle_id: f.circleId, category: "wellbeing", ...row }).select("id, body").single();

  it("refuses empty and 10,000+ character updates, with a clear message, saving nothing", async () => {
    const before = await countRows("updates", "circle_id", f.circleId);
    expect((await post({ body: "" })).error?.message).toBe("update_empty");
    expect((await post({ body: " \n\t \r\n" })).error?.message).toBe("update_empty");
    const long = await post({ body: "a".repeat(10_001) });
    expect(long.error?.message).toBe("update_too_long");
    expect(long.error?.details).toMatch(/10,000 characters/);
    expect(await countRows("updates", "circle_id", f.circleId)).toBe(before);
    expect(must(await post({ body: "a".repeat(10_000) })).body).toHaveLength(10_000);
  });

  it("keeps script tags and javascript: links as plain text (pages render them inert)", async () => {
    const body = '<script>alert("hi")</script>\n<a href="javascript:alert(1)">click</a>';
    expect(must(await post({ body })).body).toBe(body);
  });

  it("refuses a mood out of range, or on another category", async () => {
    for (const mood of [0, 6, -1, 100]) {
      expect((await post({ body: "Mood", mood })).error?.message, String(mood)).toBe("invalid_mood");
    }
    expect((await post({ body: "Mood", mood: 3, category: "general" })).error?.message).toBe("mood_needs_wellbeing");
    expect((await post({ body: "Mood", mood: 2.5 })).error).not.toBeNull();
    expect(must(await post({ body: "Mood", mood: 5 })).body).toBe("Mood");
  });

  it("refuses an audience naming a member of another circle, on updates and plan sections", async () => {
    const otherMember = must(
      await serviceClient().from("circle_members").select("id").eq("circle_id", f.otherCircleId).single(),
    ).id as string;
    const before = await countRows("updates", "circle_id", f.circleId);
    const update = await post({ body: "For you", audience: [f.members.supW, otherMember] });
    expect(update.error?.message).toBe("invalid_audience");
    expect(await countRows("updates", "circle_id", f.circleId)).toBe(before);
    const section = await f
      .as("owner")
      .from("support_plan_sections")
      .insert({ circle_id: f.circleId, kind: "what_helps", body: "Walks", category: "general", audience: [otherMember] });
    expect(section.error?.message).toBe("invalid_audience");
    const edit = await f.as("owner").from("updates").update({ audience: [otherMember] }).eq("id", f.updates.published);
    expect(edit.error?.message).toBe("invalid_audience");
  });

  it("marks an edited published update, and never turns it back into a draft", async () => {
    const id = must(await post({ body: "First words" })).id as string;
    must(await f.as("owner").from("updates").update({ body: "Second words" }).eq("id", id));
    const row = must(await serviceClient().from("updates").select("edited_at").eq("id", id).single());
    expect(row.edited_at).not.toBeNull();
    const back = await f.as("owner").from("updates").update({ status: "draft" }).eq("id", id);
    expect(back.error?.message).toBe("update_already_published");
  });

  it("refuses plan sections that are empty or longer than 5,000 characters", async () => {
    const empty = await f
      .as("owner")
      .from("support_plan_sections")
      .insert({ circle_id: f.circleId, kind: "what_helps", body: "   ", category: "general" });
    expect(empty.error?.message).toBe("plan_section_empty");
    const long = await f
      .as("owner")
      .from("support_plan_sections")
      .insert({ circle_id: f.circleId, kind: "what_helps", body: "x".repeat(5001), category: "general" });
    expect(long.error?.message).toBe("plan_section_too_long");
  });
});

describe("support plan", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("follows revocation at once, and Preview as shows what a member sees", async () => {
    const preview = must(await f.as("owner").rpc("preview_support_plan", { member_id: f.members.supOut })) as Array<{ id: string }>;
    expect(idsOf(preview).sort()).toEqual([f.u.plan.wellbeing, f.u.plan.practical].sort());
    const seen = must(await f.as("supOut").from("support_plan_sections").select("id"));
    expect(idsOf(seen).sort()).toEqual(idsOf(preview).sort());

    must(await f.as("owner").rpc("set_member_grants", { member_id: f.members.supOut, categories: ["practical"] }));
    expect(idsOf(must(await f.as("supOut").from("support_plan_sections").select("id")))).toEqual([f.u.plan.practical]);
  });

  it("audits sharing a section, changing who sees it, and removing it", async () => {
    const id = must(
      await f
        .as("owner")
        .from("support_plan_sections")
        .insert({ circle_id: f.circleId, kind: "what_helps", body: "Walks", category: "general" })
        .select("id")
        .single(),
    ).id as string;
    must(await f.as("owner").from("support_plan_sections").update({ body: "Long walks" }).eq("id", id));
    must(await f.as("owner").from("support_plan_sections").update({ audience: [f.members.supW] }).eq("id", id));
    must(await f.as("owner").from("support_plan_sections").delete().eq("id", id));
    const audit = must(
      await f
        .as("owner")
        .from("audit_events")
        .select("action, details")
        .eq("circle_id", f.circleId)
        .like("action", "plan_section%")
        .eq("details->>section", "what_helps")
        .order("id"),
    ) as Array<{ action: string; details: Record<string, unknown> }>;
    expect(audit.map((a) => a.action)).toEqual(["plan_section_shared", "plan_section_sharing_changed", "plan_section_removed"]);
    expect(audit[1].details).toMatchObject({ category: "general", audience: [f.members.supW], from_audience: null });
  });
});

describe("export", () => {
  let f: F;
  beforeAll(async () => {
    f = await fixture();
  }, 120_000);

  it("gives the person everything of the circle as one document, and no secrets", async () => {
    const doc = must(await f.as("owner").rpc("export_circle", { circle_id: f.circleId })) as Record<string, unknown[]> & {
      circle: { id: string };
    };
    expect(doc.circle.id).toBe(f.circleId);
    for (const key of [
      "members",
      "grants",
      "invitations",
      "tasks",
      "task_claims",
      "updates",
      "update_reactions",
      "encouragement_notes",
      "reach_out_requests",
      "support_plan",
      "audit_log",
    ]) {
      expect(Array.isArray(doc[key]), key).toBe(true);
    }
    expect(doc.members).toHaveLength(8); // owner, six active, removed and left included
    expect(doc.members).toHaveLength(Object.keys(f.members).length);
    expect((doc.updates as Array<{ id: string }>).map((u) => u.id)).toContain(f.updates.draft);
    expect(doc.support_plan).toHaveLength(3);
    expect(doc.encouragement_notes).toHaveLength(1);
    expect(doc.task_claims).toHaveLength(1);
    expect((doc.audit_log as unknown[]).length).toBeGreaterThan(5);
    // The calendar's tables come along when the calendar is installed.
    const [calendar] = await sql<{ present: boolean }>(`select to_regclass('public.task_series') is not null as present`);
    if (calendar.present) {
      for (const key of ["task_series", "task_thanks", "task_offers"]) expect(Array.isArray(doc[key]), key).toBe(true);
    }
    // The person's email choices: none made yet, then the circle's setting and their own preferences.
    expect(doc).toMatchObject({ email_settings: null, my_email_preferences: null });
    must(await f.as("owner").rpc("set_circle_email_settings", { circle_id: f.circleId, update_text: "full" }));
    await sql(`insert into public.email_preferences (member_id, circle_id, digest_frequency) values ($1, $2, 'daily')`, [
      f.members.owner,
      f.circleId,
    ]);
    const later = must(await f.as("owner").rpc("export_circle", { circle_id: f.circleId })) as Record<string, unknown>;
    expect(later.email_settings).toMatchObject({ update_text: "full" });
    expect(later.my_email_preferences).toMatchObject({ member_id: f.members.owner, digest_frequency: "daily" });
    const text = JSON.stringify(doc);
    expect(text).not.toContain("token_hash");
    expect(text).not.toContain(f.otherCircleId);
  });

  it("is the person's alone", async () => {
    const result = await f.as("coordW").rpc("export_circle", { circle_id: f.circleId });
    expect(result.error?.message).toBe("not_circle_owner");
  });
});

describe("deleting a circle", () => {
  it("needs its name typed (quotes and case as a phone types them), and removes everything of it", async () => {
    const f = await fixture();
    const wrong = await f.as("owner").rpc("delete_circle", { circle_id: f.circleId, confirm_name: "Maria circle" });
    expect(wrong.error?.message).toBe("circle_name_mismatch");
    const byMember = await f.as("coordW").rpc("delete_circle", { circle_id: f.circleId, confirm_name: "Maria's circle" });
    expect(byMember.error?.message).toBe("not_circle_owner");
    expect(await countRows("circles", "id", f.circleId)).toBe(1);

    must(await f.as("owner").rpc("delete_circle", { circle_id: f.circleId, confirm_name: "  maria’s CIRCLE " }));
    // Every table with a circle_id, whoever added it: nothing of the circle is left in any of them.
    const tables = await sql<{ table_name: string }>(
      `select c.table_name from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and c.column_name = 'circle_id' and t.table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(8);
    const left: string[] = [];
    for (const { table_name } of tables) {
      const [{ n }] = await sql<{ n: string }>(`select count(*) as n from public."${table_name}" where circle_id = $1`, [f.circleId]);
      if (n !== "0") left.push(`${table_name}: ${n}`);
    }
    expect(left).toEqual([]);
    expect(await countRows("circles", "id", f.circleId)).toBe(0);
    // The other circle is untouched.
    expect(await countRows("circles", "id", f.otherCircleId)).toBe(1);
  });
});

describe("deleting an account", () => {
  it("releases future claims, keeps history as a former member, and leaves with an audit entry", async () => {
    const f = await fixture();
    const spare = await f.spareMember("supporter", ["practical", "wellbeing"]);
    const service = serviceClient();
    const future = await f.newTask({ category: "practical", title: "Future errand" });
    const past = must(
      await service
        .from("tasks")
        .insert({ circle_id: f.circleId, title: "Past errand", category: "practical", starts_at: inDays(-3) })
        .select("id")
        .single(),
    ).id as string;
    must(
      await service.from("task_claims").insert([
        { task_id: future, circle_id: f.circleId, member_id: spare.memberId },
        { task_id: past, circle_id: f.circleId, member_id: spare.memberId },
      ]),
    );
    const noteId = await f.u.newNote(spare.memberId);
    // The spare member signs in with their own token to delete their own account.
    const { data: link } = await service.auth.admin.getUserById(spare.userId);
    const email = link.user!.email!;
    const me = await signIn(email);

    const wrong = await me.client.rpc("delete_account", { confirm_email: "someone@else.test" });
    expect(wrong.error?.message).toBe("account_email_mismatch");
    must(await me.client.rpc("delete_account", { confirm_email: email.toUpperCase() }));

    expect((await service.auth.admin.getUserById(spare.userId)).data.user).toBeNull();
    const member = must(await service.from("circle_members").select("user_id, status").eq("id", spare.memberId).single());
    expect(member).toEqual({ user_id: null, status: "left" });
    const claims = must(await service.from("task_claims").select("task_id").eq("member_id", spare.memberId));
    expect(claims).toEqual([{ task_id: past }]);
    expect(idsOf(must(await f.as("owner").from("encouragement_notes").select("id").eq("id", noteId)))).toEqual([noteId]);
    const audit = must(
      await f.as("owner").from("audit_events").select("action, details").eq("subject_member_id", spare.memberId).eq("action", "member_left"),
    ) as Array<{ details: Record<string, unknown> }>;
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ account_deleted: true, released_claims: 1, categories: ["practical", "wellbeing"] });
    // The owner still sees the former member, without a name.
    const members = must(await f.as("owner").from("circle_members").select("id, user_id").eq("id", spare.memberId));
    expect(members).toEqual([{ id: spare.memberId, user_id: null }]);
  });

  it("of the person deletes the circles they own with it", async () => {
    const person = await createUser({ displayName: "Pat" });
    const circle = must(await person.client.rpc("create_circle", { name: "Pat's circle", time_zone: "UTC" }));
    must(await person.client.from("updates").insert({ circle_id: circle.id, category: "general", body: "Hello" }));
    must(await person.client.rpc("delete_account", { confirm_email: person.email }));
    expect(await countRows("circles", "id", circle.id)).toBe(0);
    expect(await countRows("updates", "circle_id", circle.id)).toBe(0);
  });

  it("also happens cleanly when the auth admin API deletes the user", async () => {
    const f = await fixture();
    const deleted = await serviceClient().auth.admin.deleteUser(f.users.supW.id);
    expect(deleted.error).toBeNull();
    const member = must(await serviceClient().from("circle_members").select("user_id, status").eq("id", f.members.supW).single());
    expect(member).toEqual({ user_id: null, status: "left" });
    // supW's support on the published update stays counted, as a former member's.
    expect(must(await f.as("owner").rpc("update_support_summary", { update_ids: [f.updates.published] }))).toEqual([
      { update_id: f.updates.published, supporters: 1, supported_by_me: false },
    ]);
  });
});
