import { beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as invitationPage from "~/routes/invitations.$token";
import { createUser, must, sql, uniqueEmail, type TestUser } from "../helpers/supabase";
import { get, newCircle, post, run, signInCookie } from "../helpers/routes";

// /invitations/:token: what the invitee sees in every state of an invitation, and accept/decline
// through the page's action with real sessions.

beforeEach(() => resetRateLimits());

async function invited(opts: { categories?: string[]; email?: string } = {}) {
  const { owner, circleId } = await newCircle("Maria");
  const invitee = await createUser({ displayName: "Jorge", email: opts.email });
  const result = must(
    await owner.client.rpc("create_invitation", {
      circle_id: circleId,
      email: invitee.email,
      role: "supporter",
      relationship: "family",
      label: "Dad",
      categories: opts.categories ?? ["practical", "general"],
    }),
  );
  return {
    owner,
    circleId,
    invitee,
    token: result.token as string,
    invitationId: result.invitation_id as string,
    path: `/invitations/${result.token}`,
  };
}

const load = (token: string, cookie = "") => run(invitationPage.loader, get(`/invitations/${token}`, cookie), { token });
const act = (token: string, intent: string, cookie = "") =>
  run(invitationPage.action, post(`/invitations/${token}`, { intent }, cookie), { token });

describe("the invitation page", () => {
  test("signed out: who invites, as what, exactly what will be shared, and links that come back here", async () => {
    const { token, path, invitee } = await invited();
    const page = await load(token);
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({
      found: true,
      state: "pending",
      signedInAs: null,
      forCurrentUser: null,
      path,
      details: {
        circleName: "Maria's circle",
        inviterName: "Maria",
        role: "supporter",
        label: "Dad",
        categories: ["practical", "general"],
        notShared: ["milestones", "wellbeing", "health"],
        emailHint: `${invitee.email[0]}***@example.test`,
      },
    });
    expect(page.data.details.expiresOn).toMatch(/^\d{1,2} \w+( \d{4})?$/);
    expect(page.data.details.expiresIn).toBe("in 7 days");
  });

  test("an unknown or malformed token is a 404 that gives nothing away", async () => {
    for (const token of ["short", "x".repeat(43), "../../etc/passwd-and-more-characters"]) {
      const page = await load(token);
      expect(page.status, token).toBe(404);
      expect(page.data).toEqual({ found: false, signedInAs: null });
    }
  });

  test("signed in as the invitee, the page offers accept; accepting lands in the circle", async () => {
    const { token, invitee, circleId } = await invited();
    const cookie = await signInCookie(invitee.email);
    expect((await load(token, cookie)).data).toMatchObject({ forCurrentUser: true, signedInAs: invitee.email });

    const accepted = await act(token, "accept", cookie);
    expect(accepted.status).toBe(302);
    expect(accepted.location).toBe(`/circles/${circleId}`);
    const grants = must(await invitee.client.from("sharing_grants").select("category").order("category"));
    expect(grants.map((g: { category: string }) => g.category)).toEqual(["practical", "general"]);

    // Afterwards the link says it was used, and shows the way in to the person who used it.
    expect((await load(token, cookie)).data).toMatchObject({ state: "accepted", circleId, details: null });
    const again = await act(token, "accept", cookie);
    expect(again.status).toBe(409);
    expect(again.data.error).toBe("This invitation has already been used.");
  });

  test("the invited address matches whatever its case", async () => {
    const email = uniqueEmail("kim");
    const { owner, circleId } = await newCircle();
    const invitee = await createUser({ displayName: "Kim", email });
    const result = must(await owner.client.rpc("create_invitation", { circle_id: circleId, email: email.toUpperCase() }));
    const cookie = await signInCookie(invitee.email);
    expect((await load(result.token, cookie)).data.forCurrentUser).toBe(true);
    expect((await act(result.token, "accept", cookie)).status).toBe(302);
  });

  test("a forwarded link opened by another account: told whose it is, and accept and decline are refused", async () => {
    const { token, invitee, owner, invitationId } = await invited();
    const other: TestUser = await createUser({ displayName: "Eve" });
    const cookie = await signInCookie(other.email);
    const page = await load(token, cookie);
    expect(page.data).toMatchObject({
      forCurrentUser: false,
      signedInAs: other.email,
      details: { emailHint: `${invitee.email[0]}***@example.test` },
    });

    const accept = await act(token, "accept", cookie);
    expect(accept.status).toBe(403);
    expect(accept.data.error).toBe("This invitation was sent to a different email address.");
    const decline = await act(token, "decline", cookie);
    expect(decline.status).toBe(403);
    expect(decline.data.error).toBe("This invitation was sent to someone else, so only they can decline it.");

    const row = must(await owner.client.from("invitations_with_state").select("state").eq("id", invitationId).single());
    expect(row.state).toBe("pending");
    expect(must(await other.client.from("circle_members").select("id"))).toEqual([]);
  });

  test("accepting while signed out asks to sign in and come back", async () => {
    const { token, path } = await invited();
    const result = await act(token, "accept");
    expect(result.status).toBe(302);
    expect(result.location).toBe(`/auth/sign-in?${new URLSearchParams({ redirectTo: path })}`);
  });

  test("the invitee can decline without an account; the link then says so", async () => {
    const { token, owner, invitationId } = await invited();
    const declined = await act(token, "decline");
    expect(declined.status).toBe(302);
    expect(declined.location).toBe(`/invitations/${token}`);
    expect((await load(token)).data).toMatchObject({ state: "declined", details: null });
    const row = must(await owner.client.from("invitations_with_state").select("state").eq("id", invitationId).single());
    expect(row.state).toBe("declined");
  });

  test("an expired invitation shows who sent it and cannot be accepted", async () => {
    const { token, invitee, invitationId } = await invited();
    await sql("update public.invitations set expires_at = now() - interval '1 minute' where id = $1", [invitationId]);
    const cookie = await signInCookie(invitee.email);
    const page = await load(token, cookie);
    expect(page.data).toMatchObject({ state: "expired", details: { inviterName: "Maria" } });
    const accept = await act(token, "accept", cookie);
    expect(accept.status).toBe(409);
    expect(accept.data.error).toBe("This invitation has expired.");
  });

  test("a withdrawn invitation says so and cannot be accepted", async () => {
    const { token, invitee, owner, invitationId } = await invited();
    must(await owner.client.rpc("revoke_invitation", { id: invitationId }));
    const cookie = await signInCookie(invitee.email);
    expect((await load(token, cookie)).data).toMatchObject({ state: "revoked", details: null });
    const accept = await act(token, "accept", cookie);
    expect(accept.status).toBe(409);
    expect(accept.data.error).toBe("This invitation was withdrawn.");
  });

  test("an unknown intent is a 400", async () => {
    const { token } = await invited();
    const result = await act(token, "take-over");
    expect(result.status).toBe(400);
  });
});
