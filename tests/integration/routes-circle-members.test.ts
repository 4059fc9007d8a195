import { beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as layout from "~/routes/circles.$circleId";
import * as members from "~/routes/circles.$circleId.members";
import * as sharedWithMe from "~/routes/circles.$circleId.shared-with-me";
import * as invitationPage from "~/routes/invitations.$token";
import { latestEmail, linkIn, listEmails } from "../helpers/mailbox";
import { must, uniqueEmail } from "../helpers/supabase";
import { appUrl, get, join, newCircle, post, run } from "../helpers/routes";

// /circles/:id/members: invitations (sent by email with the raw token), grants, roles and removal,
// through the route's loader and action, each request with the real session of the person acting.

beforeEach(() => resetRateLimits());

const membersPath = (circleId: string) => `/circles/${circleId}/members`;

function invite(circleId: string, cookie: string, fields: Record<string, string | string[]> = {}) {
  return run(
    members.action,
    post(
      membersPath(circleId),
      {
        intent: "invite",
        email: uniqueEmail("invitee"),
        role: "supporter",
        relationship: "family",
        label: "Dad",
        categories: ["practical", "general", "milestones"],
        ...fields,
      },
      cookie,
    ),
    { circleId },
  );
}

describe("inviting", () => {
  test("bad input answers 400 with a message next to each field, and nothing is saved or sent", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const result = await invite(circleId, cookie, {
      email: "not-an-email",
      role: "owner",
      relationship: "",
      label: "x".repeat(61),
      categories: ["practical", "secrets"],
    });
    expect(result.status).toBe(400);
    expect(result.data.intent).toBe("invite");
    expect(result.data.errors.fieldErrors).toEqual({
      email: ["Enter a valid email address, like name@example.com"],
      role: ["Choose supporter or coordinator"],
      relationship: ["Choose how you know them"],
      label: ["Please keep the label under 60 characters"],
      categories: ["Choose what to share from the list"],
    });
    // The typed values come back to refill the form.
    expect(result.data.values).toMatchObject({ email: "not-an-email", categories: ["practical", "secrets"] });
    expect(must(await owner.client.from("invitations").select("id").eq("circle_id", circleId))).toEqual([]);
    expect(await listEmails("not-an-email")).toEqual([]);
  });

  test("the owner invites: the invitation is saved and the link with the raw token is emailed once", async () => {
    const { owner, circleId, cookie } = await newCircle("Maria");
    const email = uniqueEmail("dad");
    const result = await invite(circleId, cookie, { email: email.toUpperCase(), label: "Dad" });
    expect(result.status).toBe(302);
    const invitationId = result.location!.match(/done=invited&id=([0-9a-f-]{36})#invitations$/)![1];

    const row = must(
      await owner.client.from("invitations").select("email, role, label, categories").eq("id", invitationId).single(),
    );
    expect(row).toEqual({ email, role: "supporter", label: "Dad", categories: ["practical", "general", "milestones"] });

    const message = await latestEmail(email, { subject: /invited you/ });
    expect(message.subject).toBe("Maria invited you to their support circle");
    expect(message.text).toContain("Maria has invited you to join “Maria's circle”, their support circle on Circle, as a supporter.");
    expect(message.text).toContain("People in the circle will see you as “Dad”.");
    expect(message.text).toContain("- Practical: help needed: meals, rides, errands");
    expect(message.text).not.toMatch(/wellbeing|health/i);
    const link = linkIn(message.text, "/invitations/");
    expect(link.startsWith(`${appUrl()}/invitations/`)).toBe(true);
    expect(message.html).toContain(link);

    // The emailed link opens the invitation page.
    const token = new URL(link).pathname.split("/").pop()!;
    const page = await run(invitationPage.loader, get(`/invitations/${token}`), { token });
    expect(page.data).toMatchObject({ found: true, state: "pending", details: { inviterName: "Maria", label: "Dad" } });

    const listed = await run(members.loader, get(result.location!, cookie), { circleId });
    expect(listed.data.notice).toEqual({ tone: "success", section: "invitations", text: `Invitation sent to ${email}.` });
    expect(listed.data.invitations[0]).toMatchObject({ email, state: "pending", canManage: true });
  });

  test("a coordinator's invite asks for practical by default and the owner's defaults depend on the role", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const email = uniqueEmail("mom");
    await invite(circleId, cookie, {
      email,
      role: "coordinator",
      categories: ["practical", "general", "milestones", "wellbeing"],
    });
    const row = must(await owner.client.from("invitations").select("role, categories").eq("email", email).single());
    expect(row).toEqual({ role: "coordinator", categories: ["practical", "general", "milestones", "wellbeing"] });
    const message = await latestEmail(email);
    expect(message.text).toContain("as a coordinator");
    expect(message.text).toContain("- Wellbeing: how they are doing: mood and check-ins");
  });

  test("a second invitation to the same address is refused next to the email field", async () => {
    const { circleId, cookie } = await newCircle();
    const email = uniqueEmail("twice");
    expect((await invite(circleId, cookie, { email })).status).toBe(302);
    const again = await invite(circleId, cookie, { email });
    expect(again.status).toBe(409);
    expect(again.data.errors.fieldErrors.email).toEqual([
      "This person already has an invitation waiting. Re-send it from the list instead.",
    ]);
  });

  test("a supporter cannot invite, and sees the member list only", async () => {
    const { owner, circleId } = await newCircle();
    const sam = await join(owner, circleId, { name: "Sam" });
    const email = uniqueEmail("friend-of-sam");
    const result = await invite(circleId, sam.cookie, { email });
    expect(result.status).toBe(403);
    expect(result.data.errors.formErrors).toEqual(["You can't invite people to this circle."]);
    expect(must(await owner.client.from("invitations").select("id").eq("email", email))).toEqual([]);
    expect(await listEmails(email)).toEqual([]);

    const page = await run(members.loader, get(membersPath(circleId), sam.cookie), { circleId });
    expect(page.data.invitations).toEqual([]);
    expect(page.data.people.map((p: { name: string; role: string; categories: unknown }) => [p.name, p.role, p.categories])).toEqual([
      ["Maria", "owner", null],
      ["Sam", "supporter", null],
    ]);
  });

  test("a coordinator may invite supporters when the owner allows it, sharing practical only", async () => {
    const { owner, circleId, cookie } = await newCircle("Maria");
    const ana = await join(owner, circleId, { role: "coordinator", name: "Ana", categories: ["practical", "wellbeing"] });
    const email = uniqueEmail("neighbour");
    expect((await invite(circleId, ana.cookie, { email })).status).toBe(403);

    must(await owner.client.rpc("update_circle_settings", { circle_id: circleId, coordinators_can_invite: true }));
    const frame = await run(layout.loader, get(`/circles/${circleId}`, ana.cookie), { circleId });
    expect(frame.data.canInvite).toBe(true);
    const result = await invite(circleId, ana.cookie, { email, categories: ["health", "wellbeing"] });
    expect(result.status).toBe(302);
    const row = must(await owner.client.from("invitations").select("categories, invited_by").eq("email", email).single());
    expect(row).toEqual({ categories: ["practical"], invited_by: ana.user.id });
    const message = await latestEmail(email);
    expect(message.subject).toBe("Ana invited you to Maria's support circle");
    expect(message.text).toContain("- Practical");
    expect(message.text).not.toMatch(/health|wellbeing/i);

    // The owner sees who sent it; the coordinator sees the invitations they sent.
    const ownerPage = await run(members.loader, get(membersPath(circleId), cookie), { circleId });
    expect(ownerPage.data.invitations.find((i: { email: string }) => i.email === email)).toMatchObject({
      invitedBy: "Ana",
      categories: ["practical"],
    });
    const anaPage = await run(members.loader, get(membersPath(circleId), ana.cookie), { circleId });
    expect(anaPage.data.invitations.map((i: { email: string }) => i.email)).toEqual([email]);
  });
});

describe("re-sending and withdrawing", () => {
  test("re-sending emails a new link and the old one stops working; withdrawing kills the link", async () => {
    const { circleId, cookie } = await newCircle();
    const email = uniqueEmail("resend");
    const sent = await invite(circleId, cookie, { email });
    const invitationId = sent.location!.match(/id=([0-9a-f-]{36})/)![1];
    const firstLink = linkIn((await latestEmail(email)).text, "/invitations/");

    const resent = await run(
      members.action,
      post(membersPath(circleId), { intent: "resend", invitationId }, cookie),
      { circleId },
    );
    expect(resent.status).toBe(302);
    expect(resent.location).toBe(`${membersPath(circleId)}?done=resent&id=${invitationId}#invitations`);
    const emails = await listEmails(email);
    expect(emails).toHaveLength(2);
    const secondLink = linkIn(emails[0].text, "/invitations/");
    expect(secondLink).not.toBe(firstLink);

    const tokenOf = (link: string) => new URL(link).pathname.split("/").pop()!;
    const oldPage = await run(invitationPage.loader, get(new URL(firstLink).pathname), { token: tokenOf(firstLink) });
    expect(oldPage.status).toBe(404);
    const newPage = await run(invitationPage.loader, get(new URL(secondLink).pathname), { token: tokenOf(secondLink) });
    expect(newPage.data.state).toBe("pending");

    const revoked = await run(
      members.action,
      post(membersPath(circleId), { intent: "revoke", invitationId }, cookie),
      { circleId },
    );
    expect(revoked.status).toBe(302);
    const afterRevoke = await run(invitationPage.loader, get(new URL(secondLink).pathname), { token: tokenOf(secondLink) });
    expect(afterRevoke.data).toMatchObject({ found: true, state: "revoked", details: null });

    const listed = await run(members.loader, get(revoked.location!, cookie), { circleId });
    expect(listed.data.invitations[0]).toMatchObject({ state: "revoked", canManage: false });
    expect(listed.data.invitations[0].stateText).toMatch(/^Withdrawn on \d{1,2} \w+\. The link no longer works\.$/);

    // Withdrawing twice is explained, not a crash.
    const twice = await run(members.action, post(membersPath(circleId), { intent: "revoke", invitationId }, cookie), {
      circleId,
    });
    expect(twice.status).toBe(409);
    expect(twice.data.errors.formErrors).toEqual(["This invitation was withdrawn."]);
  });

  test("a supporter cannot re-send or withdraw the owner's invitations", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const sam = await join(owner, circleId);
    const sent = await invite(circleId, cookie);
    const invitationId = sent.location!.match(/id=([0-9a-f-]{36})/)![1];
    for (const intent of ["resend", "revoke"]) {
      const result = await run(members.action, post(membersPath(circleId), { intent, invitationId }, sam.cookie), {
        circleId,
      });
      expect(result.status, intent).toBe(403);
      expect(result.data.errors.formErrors).toEqual(["You can't invite people to this circle."]);
    }
    const row = must(await owner.client.from("invitations_with_state").select("state, send_count").eq("id", invitationId).single());
    expect(row).toEqual({ state: "pending", send_count: 1 });
  });
});

describe("grants, roles and removal", () => {
  test("the owner narrows a member's grants in one save, and the member's own view changes at once", async () => {
    const { owner, circleId, cookie } = await newCircle("Maria");
    const sam = await join(owner, circleId, { categories: ["practical", "general", "milestones"] });

    const page = await run(members.loader, get(membersPath(circleId), cookie), { circleId });
    expect(page.data.people.find((p: { id: string }) => p.id === sam.memberId).categories).toEqual([
      "practical",
      "general",
      "milestones",
    ]);

    const saved = await run(
      members.action,
      post(membersPath(circleId), { intent: "grants", memberId: sam.memberId, categories: ["practical", "wellbeing"] }, cookie),
      { circleId },
    );
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`${membersPath(circleId)}?done=grants&id=${sam.memberId}#who-sees-what`);
    const after = await run(members.loader, get(saved.location!, cookie), { circleId });
    expect(after.data.notice.text).toBe("Saved. Sam now sees: Practical and Wellbeing.");

    const view = await run(sharedWithMe.loader, get(`/circles/${circleId}/shared-with-me`, sam.cookie), { circleId });
    expect(view.data.categories).toEqual(["practical", "wellbeing"]);
    expect(view.data.notShared).toEqual(["general", "milestones", "health"]);
    const history = view.data.history.map((h: { text: string }) => h.text.replace(/ on \d.*$/, ""));
    expect(history).toEqual(
      expect.arrayContaining([
        "Maria shared wellbeing updates with you",
        "Maria stopped sharing general news with you",
        "Maria stopped sharing milestones and good news with you",
      ]),
    );

    // No box ticked: nothing shared.
    await run(members.action, post(membersPath(circleId), { intent: "grants", memberId: sam.memberId }, cookie), {
      circleId,
    });
    const none = await run(sharedWithMe.loader, get(`/circles/${circleId}/shared-with-me`, sam.cookie), { circleId });
    expect(none.data.categories).toEqual([]);
  });

  test("bad grant input answers 400 and changes nothing", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const sam = await join(owner, circleId, { categories: ["practical"] });
    const bad = await run(
      members.action,
      post(membersPath(circleId), { intent: "grants", memberId: "nobody", categories: ["practical", "everything"] }, cookie),
      { circleId },
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors.fieldErrors).toEqual({
      memberId: ["Choose a member from the list"],
      categories: ["Choose what to share from the list"],
    });
    const grants = must(await owner.client.from("sharing_grants").select("category").eq("member_id", sam.memberId));
    expect(grants).toEqual([{ category: "practical" }]);
  });

  test("a supporter posting the owner's forms is refused by the database and nothing changes", async () => {
    const { owner, circleId } = await newCircle();
    const sam = await join(owner, circleId, { categories: ["practical"] });
    const tom = await join(owner, circleId, { categories: ["practical"], name: "Tom" });
    const attempts: Array<Record<string, string | string[]>> = [
      { intent: "grants", memberId: sam.memberId, categories: ["practical", "health"] },
      { intent: "grants", memberId: tom.memberId, categories: [] },
      { intent: "role", memberId: sam.memberId, role: "coordinator" },
      { intent: "remove", memberId: tom.memberId },
    ];
    for (const fields of attempts) {
      const result = await run(members.action, post(membersPath(circleId), fields, sam.cookie), { circleId });
      expect(result.status, JSON.stringify(fields)).toBe(403);
      expect(result.data.errors.formErrors).toEqual(["Only the person whose circle this is can do that."]);
    }
    const rows = must(
      await owner.client.from("circle_members").select("id, role, status").in("id", [sam.memberId, tom.memberId]).order("role"),
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: sam.memberId, role: "supporter", status: "active" },
        { id: tom.memberId, role: "supporter", status: "active" },
      ]),
    );
    const grants = must(await owner.client.from("sharing_grants").select("member_id, category").eq("circle_id", circleId));
    expect(grants).toHaveLength(2);
  });

  test("the owner changes a role", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const sam = await join(owner, circleId);
    const result = await run(
      members.action,
      post(membersPath(circleId), { intent: "role", memberId: sam.memberId, role: "coordinator" }, cookie),
      { circleId },
    );
    expect(result.status).toBe(302);
    const page = await run(members.loader, get(result.location!, cookie), { circleId });
    expect(page.data.notice.text).toBe("Sam is now a coordinator.");
    const bad = await run(
      members.action,
      post(membersPath(circleId), { intent: "role", memberId: sam.memberId, role: "owner" }, cookie),
      { circleId },
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors.fieldErrors.role).toEqual(["Choose supporter or coordinator"]);
  });

  test("removing asks for confirmation first, then ends the member's access at once", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const sam = await join(owner, circleId);
    const confirm = await run(members.loader, get(`${membersPath(circleId)}?confirmRemove=${sam.memberId}`, cookie), {
      circleId,
    });
    expect(confirm.data.confirmRemove).toEqual({ id: sam.memberId, name: "Sam" });
    // The owner's own row can never be offered for removal.
    const ownerRow = confirm.data.people.find((p: { role: string }) => p.role === "owner");
    const noConfirm = await run(members.loader, get(`${membersPath(circleId)}?confirmRemove=${ownerRow.id}`, cookie), {
      circleId,
    });
    expect(noConfirm.data.confirmRemove).toBeNull();

    const removed = await run(
      members.action,
      post(membersPath(circleId), { intent: "remove", memberId: sam.memberId }, cookie),
      { circleId },
    );
    expect(removed.status).toBe(302);
    const frame = await run(layout.loader, get(`/circles/${circleId}`, sam.cookie), { circleId });
    expect(frame.status).toBe(404);
    const page = await run(members.loader, get(removed.location!, cookie), { circleId });
    expect(page.data.notice.text).toBe("Sam was removed from the circle and no longer sees anything in it.");
    expect(page.data.former).toEqual([expect.objectContaining({ title: "Sam", how: "Removed" })]);
    expect(page.data.people.map((p: { name: string }) => p.name)).toEqual(["Maria"]);

    const again = await run(
      members.action,
      post(membersPath(circleId), { intent: "remove", memberId: sam.memberId }, cookie),
      { circleId },
    );
    expect(again.status).toBe(409);
    expect(again.data.errors.formErrors).toEqual(["This person is no longer in the circle."]);
  });
});
