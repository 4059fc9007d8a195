import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as confirm from "~/routes/auth.confirm";
import * as signIn from "~/routes/auth.sign-in";
import * as signUp from "~/routes/auth.sign-up";
import * as invitation from "~/routes/invitations.$token";
import { insertInvitation } from "../helpers/circle-fixture";
import { latestEmail, linkIn, listEmails } from "../helpers/mailbox";
import { appUrl, cookiesFrom, get, newCircle, post, run } from "../helpers/routes";
import { anonClient, closeSql, sql, uniqueEmail } from "../helpers/supabase";

// Issue 10 item 2: whoever holds a forwarded invitation link for an address with no account must not be
// able to sign up with that address and accept. With email confirmation on, a sign-up has no session
// until the link sent to that address is opened, and accept_invitation requires a confirmed address.

const ATTACKER_PASSWORD = "attacker chose this one";
const OWNER_PASSWORD = "the invitee's own password";

beforeEach(() => resetRateLimits());
afterAll(() => closeSql());

async function invitationFor(email: string) {
  const { owner, circleId } = await newCircle("Maria");
  const { token } = await insertInvitation(circleId, owner.id, { email });
  return { circleId, token };
}

const memberCount = async (circleId: string, email: string) =>
  Number(
    (
      await sql<{ n: string }>(
        `select count(*) as n from public.circle_members m join auth.users u on u.id = m.user_id
          where m.circle_id = $1 and u.email = $2`,
        [circleId, email],
      )
    )[0].n,
  );

const sessionCookies = (headers: Headers) => headers.getSetCookie().filter((c) => /auth-token=[^;]/.test(c));

describe("a forwarded invitation cannot be taken by signing up with its address", () => {
  test("through supabase-js: no session, password sign-in refused, accept refused", async () => {
    const email = uniqueEmail("invitee");
    const { circleId, token } = await invitationFor(email);

    const attacker = anonClient();
    const signedUp = await attacker.auth.signUp({ email, password: ATTACKER_PASSWORD });
    expect(signedUp.error).toBeNull();
    expect(signedUp.data.session).toBeNull();

    const signedIn = await attacker.auth.signInWithPassword({ email, password: ATTACKER_PASSWORD });
    expect(signedIn.error).toMatchObject({ code: "email_not_confirmed" });
    expect(signedIn.data.session).toBeNull();

    const accepted = await attacker.rpc("accept_invitation", { token });
    expect(accepted.error).not.toBeNull();
    expect(await memberCount(circleId, email)).toBe(0);
  });

  test("through the app's sign-up form: check your email, no session cookie, the accept button signs nobody in", async () => {
    const email = uniqueEmail("invitee");
    const { circleId, token } = await invitationFor(email);
    const next = `/invitations/${token}`;

    const result = await run(
      signUp.action,
      post("/auth/sign-up", { displayName: "Not the invitee", email, password: ATTACKER_PASSWORD, redirectTo: next }),
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ checkEmail: true, email });
    expect(sessionCookies(result.headers)).toEqual([]);

    const signedIn = await run(signIn.action, post("/auth/sign-in", { email, password: ATTACKER_PASSWORD, redirectTo: next }));
    expect(sessionCookies(signedIn.headers)).toEqual([]);

    const accept = await run(invitation.action, post(next, { intent: "accept" }, cookiesFrom("", result.headers)), { token });
    expect(accept.status).toBe(302);
    expect(accept.location).toMatch(/^\/auth\/sign-in/);
    expect(await memberCount(circleId, email)).toBe(0);
  });
});

describe("the real invitee confirms from the mailbox and accepts", () => {
  test("signing up from the invitation, the emailed link leads back to it and accepting works", async () => {
    const email = uniqueEmail("invitee");
    const { circleId, token } = await invitationFor(email);
    const next = `/invitations/${token}`;

    const result = await run(
      signUp.action,
      post("/auth/sign-up", { displayName: "Ines", email, password: OWNER_PASSWORD, redirectTo: next }),
    );
    expect(result.data).toEqual({ checkEmail: true, email });
    const [message] = await listEmails(email).then((all) => all.filter((m) => /Confirm your email/.test(m.subject)));
    expect(message).toBeDefined();
    const link = new URL(linkIn((await latestEmail(email, { subject: /Confirm your email/ })).text, "/auth/confirm"));
    expect(link.origin).toBe(new URL(appUrl()).origin);
    expect(link.searchParams.get("type")).toBe("signup");

    // Opening the link only shows a button (mail scanners open links too); pressing it confirms.
    const opened = await run(confirm.loader, get(link.pathname + link.search));
    expect(opened.status).toBe(200);
    const confirmed = await run(confirm.action, post("/auth/confirm", opened.data.link));
    expect(confirmed.status).toBe(302);
    expect(confirmed.location).toBe(next);
    const cookie = cookiesFrom("", confirmed.headers);

    const page = await run(invitation.loader, get(next, cookie), { token });
    expect(page.status).toBe(200);
    const accept = await run(invitation.action, post(next, { intent: "accept" }, cookie), { token });
    expect(accept.status).toBe(302);
    expect(accept.location).toBe(`/circles/${circleId}`);
    expect(await memberCount(circleId, email)).toBe(1);
  });

  test("accept_invitation itself refuses an unconfirmed address, even with a valid token for it", async () => {
    const email = uniqueEmail("invitee");
    const { circleId, token } = await invitationFor(email);
    const client = anonClient();
    await client.auth.signUp({ email, password: OWNER_PASSWORD });
    const tokenHash = new URL(linkIn((await latestEmail(email)).text, "/auth/confirm")).searchParams.get("token_hash")!;
    const verified = await client.auth.verifyOtp({ token_hash: tokenHash, type: "signup" });
    expect(verified.error).toBeNull();
    // Undo the confirmation behind the session's back: the SQL must look at auth.users, not the token.
    await sql(`update auth.users set email_confirmed_at = null where email = $1`, [email]);
    const refused = await client.rpc("accept_invitation", { token });
    expect(refused.error?.message).toBe("email_not_confirmed");
    expect(await memberCount(circleId, email)).toBe(0);
  });
});
