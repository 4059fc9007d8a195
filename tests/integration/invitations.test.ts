// Invitations end to end through supabase-js: token handling, preview, accept, decline, expiry with a
// pinned clock (expires_at moved into the past with the service role), reuse, revoke, resend, wrong
// account, case-insensitive email, the race of two accepts, the 50-per-day rate limit, coordinators.

import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/assertions";
import {
  anonClient,
  clientWithToken,
  createUser,
  must,
  projectJwt,
  serviceClient,
  sql,
  uniqueEmail,
  type TestUser,
} from "../helpers/supabase";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function newCircle(owner: TestUser, name = "Maria's circle") {
  return must(await owner.client.rpc("create_circle", { name, time_zone: "Europe/Dublin" })) as { id: string };
}

async function invite(owner: TestUser, circleId: string, email: string, extra: Record<string, unknown> = {}) {
  return must(
    await owner.client.rpc("create_invitation", {
      circle_id: circleId,
      email,
      role: "supporter",
      relationship: "friend",
      label: "Sam",
      categories: ["practical", "wellbeing"],
      ...extra,
    }),
    "create_invitation",
  ) as { invitation_id: string; token: string; expires_at: string };
}

const setExpiry = async (invitationId: string, when: Date) =>
  must(await serviceClient().from("invitations").update({ expires_at: when.toISOString() }).eq("id", invitationId));

describe("invitations", () => {
  let owner: TestUser;
  let circleId: string;

  beforeAll(async () => {
    owner = await createUser({ displayName: "Maria" });
    circleId = (await newCircle(owner)).id;
  });

  it("return a long random token once and store only its SHA-256", async () => {
    const email = uniqueEmail("token");
    const inv = await invite(owner, circleId, email);
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const expiresIn = new Date(inv.expires_at).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(7 * 86_400_000);

    const [row] = await sql("select * from public.invitations where id = $1", [inv.invitation_id]);
    expect(row.token_hash).toBe(sha256(inv.token));
    expect(JSON.stringify(row)).not.toContain(inv.token);
    const audit = await sql("select details from public.audit_events where circle_id = $1", [circleId]);
    expect(JSON.stringify(audit)).not.toContain(inv.token);

    const second = await invite(owner, circleId, uniqueEmail("token"));
    expect(second.token).not.toBe(inv.token);
  });

  it("show the invitee, signed out, who invites them, as what, and exactly what will be shared", async () => {
    const inv = await invite(owner, circleId, uniqueEmail("preview"), { label: "Sam from group" });
    const preview = must(await anonClient().rpc("invitation_preview", { token: inv.token }));
    expect(preview).toMatchObject({
      state: "pending",
      circle_name: "Maria's circle",
      inviter_name: "Maria",
      role: "supporter",
      relationship: "friend",
      label: "Sam from group",
      categories: ["practical", "wellbeing"],
      circle_id: null,
      for_current_user: null,
    });
    expect(preview.email_hint).toMatch(/^p\*\*\*@example\.test$/);
  });

  it("tell a signed-in user whether the invitation is for their account", async () => {
    const invitee = await createUser();
    const stranger = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    expect(must(await invitee.client.rpc("invitation_preview", { token: inv.token })).for_current_user).toBe(true);
    expect(must(await stranger.client.rpc("invitation_preview", { token: inv.token })).for_current_user).toBe(false);
  });

  it("accept: membership and grants created together, from the invitation, audited", async () => {
    const invitee = await createUser({ displayName: "Sam" });
    const inv = await invite(owner, circleId, invitee.email, { relationship: "peer", label: "Sam from group" });
    const member = must(await invitee.client.rpc("accept_invitation", { token: inv.token }));
    expect(member).toMatchObject({
      circle_id: circleId,
      user_id: invitee.id,
      role: "supporter",
      relationship: "peer",
      label: "Sam from group",
      status: "active",
    });
    const grants = must(await invitee.client.from("sharing_grants").select("category").eq("member_id", member.id));
    expect(grants.map((g) => g.category).sort()).toEqual(["practical", "wellbeing"]);
    expect(must(await invitee.client.from("circles").select("name").eq("id", circleId))).toEqual([
      { name: "Maria's circle" },
    ]);

    const state = must(
      await owner.client.from("invitations_with_state").select("state,accepted_by,member_id").eq("id", inv.invitation_id).single(),
    );
    expect(state).toEqual({ state: "accepted", accepted_by: invitee.id, member_id: member.id });
    const audit = must(
      await invitee.client.from("audit_events").select("action,actor_id,details").eq("subject_member_id", member.id),
    );
    expect(audit).toEqual([
      {
        action: "invitation_accepted",
        actor_id: invitee.id,
        details: expect.objectContaining({ categories: ["practical", "wellbeing"], role: "supporter", rejoined: false }),
      },
    ]);
  });

  it("are single use: a second accept, by anyone, is refused", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    must(await invitee.client.rpc("accept_invitation", { token: inv.token }));
    expectError(await invitee.client.rpc("accept_invitation", { token: inv.token }), "invitation_used", 409);

    // Once used, the link shows only its state (and, to the member, where to go).
    const own = must(await invitee.client.rpc("invitation_preview", { token: inv.token }));
    expect(own).toMatchObject({ state: "accepted", circle_id: circleId, circle_name: null, categories: null });
    const other = must(await anonClient().rpc("invitation_preview", { token: inv.token }));
    expect(other).toMatchObject({ state: "accepted", circle_id: null, circle_name: null, inviter_name: null });
  });

  it("expire after 7 days (pinned clock): refused, shown as expired, and re-sending revives them", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    await setExpiry(inv.invitation_id, new Date(Date.now() - 1000));

    expectError(await invitee.client.rpc("accept_invitation", { token: inv.token }), "invitation_expired", 409);
    expect(must(await anonClient().rpc("invitation_preview", { token: inv.token })).state).toBe("expired");
    expect(
      must(await owner.client.from("invitations_with_state").select("state").eq("id", inv.invitation_id).single()).state,
    ).toBe("expired");

    const resent = must(await owner.client.rpc("resend_invitation", { id: inv.invitation_id }));
    expect(resent.invitation_id).toBe(inv.invitation_id);
    expect(new Date(resent.expires_at).getTime()).toBeGreaterThan(Date.now() + 7 * 86_400_000 - 60_000);
    must(await invitee.client.rpc("accept_invitation", { token: resent.token }));
  });

  it("one second before expiry still work", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    await setExpiry(inv.invitation_id, new Date(Date.now() + 5000));
    must(await invitee.client.rpc("accept_invitation", { token: inv.token }));
  });

  it("re-sending replaces the token: the old link is dead, the new one works", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    const resent = must(await owner.client.rpc("resend_invitation", { id: inv.invitation_id }));
    expect(resent.token).not.toBe(inv.token);

    expectError(await invitee.client.rpc("accept_invitation", { token: inv.token }), "invitation_not_found", 404);
    expectError(await anonClient().rpc("invitation_preview", { token: inv.token }), "invitation_not_found", 404);
    must(await invitee.client.rpc("accept_invitation", { token: resent.token }));
    const [row] = await sql("select send_count, token_hash from public.invitations where id = $1", [inv.invitation_id]);
    expect(row).toEqual({ send_count: 2, token_hash: sha256(resent.token) });
  });

  it("can be revoked: the link stops working at once and cannot be revived", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    must(await owner.client.rpc("revoke_invitation", { id: inv.invitation_id }));

    expectError(await invitee.client.rpc("accept_invitation", { token: inv.token }), "invitation_revoked", 409);
    const preview = must(await anonClient().rpc("invitation_preview", { token: inv.token }));
    expect(preview).toMatchObject({ state: "revoked", circle_name: null, categories: null });
    expectError(await owner.client.rpc("resend_invitation", { id: inv.invitation_id }), "invitation_revoked", 409);
    expectError(await owner.client.rpc("revoke_invitation", { id: inv.invitation_id }), "invitation_revoked", 409);
    const audit = must(
      await owner.client.from("audit_events").select("action,details").eq("circle_id", circleId).eq("action", "invitation_revoked"),
    );
    expect(audit.some((a) => a.details.invitation_id === inv.invitation_id)).toBe(true);
  });

  it("refuse another account (a forwarded link), and stay usable by the right one", async () => {
    const invitee = await createUser();
    const forwardedTo = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    expectError(await forwardedTo.client.rpc("accept_invitation", { token: inv.token }), "invitation_wrong_account", 403);
    expect(must(await forwardedTo.client.from("circles").select("id").eq("id", circleId))).toEqual([]);
    must(await invitee.client.rpc("accept_invitation", { token: inv.token }));
  });

  it("match the email case-insensitively, both ways", async () => {
    const lower = await createUser({ email: uniqueEmail("case") });
    const inv1 = await invite(owner, circleId, lower.email.toUpperCase());
    must(await lower.client.rpc("accept_invitation", { token: inv1.token }));

    const mixedEmail = `Mixed.Case-${Date.now()}@Example.TEST`;
    const mixed = await createUser({ email: mixedEmail });
    const inv2 = await invite(owner, circleId, mixedEmail.toLowerCase());
    must(await mixed.client.rpc("accept_invitation", { token: inv2.token }));
  });

  it("let exactly one of two (or ten) concurrent accepts of one token win", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    // Separate clients (separate connections through PostgREST's pool), same user, same token.
    const clients = Array.from({ length: 10 }, () => clientWithToken(invitee.accessToken));
    const results = await Promise.all(clients.map((c) => c.rpc("accept_invitation", { token: inv.token })));
    expect(results.filter((r) => !r.error)).toHaveLength(1);
    for (const r of results.filter((r) => r.error)) expect(r.error!.message).toBe("invitation_used");
    const [{ count }] = await sql("select count(*)::int as count from public.circle_members where circle_id = $1 and user_id = $2", [
      circleId,
      invitee.id,
    ]);
    expect(count).toBe(1);
  });

  it("require a confirmed email address", async () => {
    const { id, email } = await (async () => {
      const { data, error } = await serviceClient().auth.admin.createUser({ email: uniqueEmail("unconfirmed"), email_confirm: false });
      if (error) throw error;
      return { id: data.user!.id, email: data.user!.email! };
    })();
    const token = await projectJwt({ role: "authenticated", aud: "authenticated", email, sub: id });
    const inv = await invite(owner, circleId, email);
    expectError(await clientWithToken(token).rpc("accept_invitation", { token: inv.token }), "email_not_confirmed", 403);
  });

  it("can be declined without an account; a declined invitation cannot be accepted", async () => {
    const invitee = await createUser();
    const inv = await invite(owner, circleId, invitee.email);
    must(await anonClient().rpc("decline_invitation", { token: inv.token }));
    must(await anonClient().rpc("decline_invitation", { token: inv.token })); // twice is fine
    expectError(await invitee.client.rpc("accept_invitation", { token: inv.token }), "invitation_declined", 409);
    expect(must(await anonClient().rpc("invitation_preview", { token: inv.token })).state).toBe("declined");
    const row = must(await owner.client.from("invitations_with_state").select("state").eq("id", inv.invitation_id).single());
    expect(row.state).toBe("declined");
    const audit = must(await owner.client.from("audit_events").select("details").eq("action", "invitation_declined"));
    expect(audit.some((a) => a.details.invitation_id === inv.invitation_id)).toBe(true);
    // A new invitation can be sent after a decline.
    await invite(owner, circleId, invitee.email);
  });

  it("reject unknown tokens, duplicates and people already in the circle", async () => {
    expectError(await anonClient().rpc("invitation_preview", { token: "x".repeat(43) }), "invitation_not_found", 404);
    expectError(await anonClient().rpc("invitation_preview", { token: "short" }), "invitation_not_found", 404);
    const someone = await createUser();
    expectError(await someone.client.rpc("accept_invitation", { token: "y".repeat(43) }), "invitation_not_found", 404);

    const email = uniqueEmail("dup");
    await invite(owner, circleId, email);
    expectError(
      await owner.client.rpc("create_invitation", { circle_id: circleId, email: email.toUpperCase() }),
      "invitation_already_pending",
      409,
    );
    expectError(await owner.client.rpc("create_invitation", { circle_id: circleId, email: owner.email }), "already_member", 409);
  });

  it("validate their input with stable error keys", async () => {
    const call = (args: Record<string, unknown>) =>
      owner.client.rpc("create_invitation", { circle_id: circleId, email: uniqueEmail("v"), ...args });
    expectError(await call({ email: "not-an-email" }), "invalid_email", 400);
    expectError(await call({ role: "owner" }), "invalid_role", 400);
    expectError(await call({ label: "x".repeat(61) }), "invalid_label", 400);
    expectError(await call({ relationship: null }), "invalid_relationship", 400);
    // Unknown categories never reach the function: PostgREST refuses the enum value.
    expect((await call({ categories: ["secrets"] })).error).not.toBeNull();
  });

  it("default the categories by role when none are given", async () => {
    const supporter = await invite(owner, circleId, uniqueEmail("d1"), { categories: null });
    const coordinator = await invite(owner, circleId, uniqueEmail("d2"), { categories: null, role: "coordinator" });
    const rows = must(
      await owner.client.from("invitations").select("id,categories").in("id", [supporter.invitation_id, coordinator.invitation_id]),
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r.categories]));
    expect(byId[supporter.invitation_id]).toEqual(["practical", "general", "milestones"]);
    expect(byId[coordinator.invitation_id]).toEqual(["practical", "general", "milestones", "wellbeing"]);
  });

  it("let a removed member come back through a new invitation, as the same member, with the new grants", async () => {
    const person = await createUser();
    const first = await invite(owner, circleId, person.email, { categories: ["practical", "health"], role: "coordinator" });
    const member = must(await person.client.rpc("accept_invitation", { token: first.token }));
    must(await owner.client.rpc("remove_member", { member_id: member.id }));
    expect(must(await person.client.from("circles").select("id").eq("id", circleId))).toEqual([]);

    const again = await invite(owner, circleId, person.email, { categories: ["general"] });
    const back = must(await person.client.rpc("accept_invitation", { token: again.token }));
    expect(back).toMatchObject({ id: member.id, status: "active", role: "supporter", ended_at: null });
    const grants = must(await person.client.from("sharing_grants").select("category").eq("member_id", member.id));
    expect(grants.map((g) => g.category)).toEqual(["general"]);
    const audit = must(
      await owner.client
        .from("audit_events")
        .select("details")
        .eq("subject_member_id", member.id)
        .eq("action", "invitation_accepted")
        .order("id"),
    );
    expect(audit.map((a) => a.details.rejoined)).toEqual([false, true]);
  });

  describe("from coordinators", () => {
    let coordinator: TestUser;
    let ownerInvitationId: string;

    beforeAll(async () => {
      coordinator = await createUser({ displayName: "Ana" });
      const inv = await invite(owner, circleId, coordinator.email, {
        role: "coordinator",
        categories: ["practical", "general", "wellbeing"],
      });
      must(await coordinator.client.rpc("accept_invitation", { token: inv.token }));
      ownerInvitationId = (await invite(owner, circleId, uniqueEmail("owners"))).invitation_id;
    });

    it("are refused unless the person allows coordinators to invite", async () => {
      must(await owner.client.rpc("update_circle_settings", { circle_id: circleId, coordinators_can_invite: false }));
      expectError(
        await coordinator.client.rpc("create_invitation", { circle_id: circleId, email: uniqueEmail("c") }),
        "not_allowed_to_invite",
        403,
      );
    });

    it("carry practical only, invite supporters only, and stay within the coordinator's own invitations", async () => {
      must(await owner.client.rpc("update_circle_settings", { circle_id: circleId, coordinators_can_invite: true }));
      const inv = must(
        await coordinator.client.rpc("create_invitation", {
          circle_id: circleId,
          email: uniqueEmail("from-coord"),
          role: "supporter",
          relationship: "friend",
          categories: ["health", "wellbeing", "practical"],
        }),
      );
      const preview = must(await anonClient().rpc("invitation_preview", { token: inv.token }));
      expect(preview).toMatchObject({ categories: ["practical"], inviter_name: "Ana" });

      expectError(
        await coordinator.client.rpc("create_invitation", { circle_id: circleId, email: uniqueEmail("c2"), role: "coordinator" }),
        "not_allowed_to_invite",
        403,
      );
      // They see and manage the invitations they sent, not the person's.
      const visible = must(await coordinator.client.from("invitations").select("id"));
      expect(visible.map((r) => r.id)).toEqual([inv.invitation_id]);
      expectError(await coordinator.client.rpc("revoke_invitation", { id: ownerInvitationId }), "not_allowed_to_invite", 403);
      must(await coordinator.client.rpc("resend_invitation", { id: inv.invitation_id }));
      must(await coordinator.client.rpc("revoke_invitation", { id: inv.invitation_id }));
    });
  });

  it("are limited to 50 per circle in any 24 hours, re-sends included", async () => {
    const busy = await createUser();
    const busyCircle = (await newCircle(busy, "Busy circle")).id;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => busy.client.rpc("create_invitation", { circle_id: busyCircle, email: uniqueEmail("rl") })),
    );
    expect(results.filter((r) => r.error)).toEqual([]);
    expectError(
      await busy.client.rpc("create_invitation", { circle_id: busyCircle, email: uniqueEmail("rl") }),
      "rate_limited",
      429,
    );
    expectError(await busy.client.rpc("resend_invitation", { id: results[0].data.invitation_id }), "rate_limited", 429);
    // Another circle is not affected.
    must(await owner.client.rpc("create_invitation", { circle_id: circleId, email: uniqueEmail("rl-other") }));
  });
});
