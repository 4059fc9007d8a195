import { runEmailJob } from "~/jobs/email-job.server";
import { createUser, must, serviceClient } from "../helpers/supabase";
import { expect, latestEmail, linkIn, screenshot, test } from "./fixtures";

// The digest end to end: Sam, in Maria's circle, makes his digest daily on his email settings page; the
// job runs; the digest that lands in the local mailbox lists an open task; its link opens the task,
// where Sam claims it. The digest's HTML is also shown in Chromium at phone width (screenshot).

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

test("a member sets a daily digest, gets it, and claims a task from its link", { timeout: 180_000 }, async ({ newContext, checkA11y }) => {
  // Maria's circle, Sam invited with practical and general, through the real RPCs.
  const maria = await createUser({ displayName: "Maria" });
  const sam = await createUser({ displayName: "Sam" });
  const circle = must(await maria.client.rpc("create_circle", { name: "Maria's circle", time_zone: "Europe/Dublin" }), "create_circle");
  const invitation = must(
    await maria.client.rpc("create_invitation", {
      circle_id: circle.id,
      email: sam.email,
      role: "supporter",
      relationship: "friend",
      label: "Sam",
      categories: ["practical", "general"],
    }),
    "create_invitation",
  );
  must(await sam.client.rpc("accept_invitation", { token: invitation.token }), "accept_invitation");
  const addTask = async (title: string, days: number, fields: Record<string, unknown> = {}) =>
    must(
      await maria.client.from("tasks").insert({ circle_id: circle.id, title, category: "practical", starts_at: inDays(days), ...fields }).select("id").single(),
      "insert task",
    ).id as string;
  const dinner = await addTask("Bring dinner", 2, { kind: "meal", location: "12 Oak Road", contact_preference: "no_contact" });
  await addTask("Drive to the pharmacy", 4, { kind: "ride", slots: 2 });
  const walk = await addTask("Walk the dog", 3, { kind: "pet_care" });
  must(await sam.client.rpc("claim_task", { task_id: walk }), "claim walk");
  must(
    await maria.client.from("updates").insert({ circle_id: circle.id, category: "general", body: "Home from hospital, thank you all." }),
    "update",
  );
  // Maria's own weekly digest is not part of this story.
  must(await maria.client.rpc("set_email_preferences", { circle_id: circle.id, digest_frequency: "off" }), "maria off");

  // Sam signs in and makes his digest daily, at midnight (so it is due whatever the time now).
  const page = await (await newContext()).newPage();
  await page.goto(`/auth/sign-in?redirectTo=${encodeURIComponent(`/circles/${circle.id}/notifications`)}`);
  await checkA11y(page);
  await page.getByLabel("Email").fill(sam.email);
  await page.getByLabel("Password").fill(sam.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === `/circles/${circle.id}/notifications`);
  await expect.poll(() => page.getByRole("heading", { name: "Email settings" }).isVisible()).toBe(true);
  await checkA11y(page);
  expect(await page.getByRole("radio", { name: /^Weekly/ }).isChecked()).toBe(true);
  await page.getByRole("radio", { name: /^Daily/ }).check();
  await page.getByLabel("Time").selectOption("0");
  await page.getByRole("button", { name: "Save email settings" }).click();
  await expect.poll(() => page.getByText("Your email settings are saved.").isVisible()).toBe(true);
  await checkA11y(page);
  expect(await page.getByRole("radio", { name: /^Daily/ }).isChecked()).toBe(true);

  // The job runs (as the cron would), for this circle; with no RESEND_API_KEY it delivers to the mailbox.
  const report = await runEmailJob({ circleIds: [circle.id] });
  expect(report.digests).toMatchObject({ considered: 1, sent: 1 });
  const digest = await latestEmail(sam.email, { subject: /^Maria's circle: 2 tasks need help/ });
  expect(digest.from).toBe("Maria's circle via Circle <circle@localhost>");
  expect(digest.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  expect(digest.text).toContain("[Unclaimed: 1 helper needed] Bring dinner");
  expect(digest.text).toContain("YOUR TASKS\nWalk the dog");

  // The digest as a phone shows it.
  const phone = await (await newContext()).newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.setContent(digest.html, { waitUntil: "load" });
  await checkA11y(phone);
  await screenshot(phone, "digest");

  // Its link leads straight to the task, where Sam claims it.
  const link = linkIn(digest.text, `/circles/${circle.id}/tasks/${dinner}`);
  await page.goto(link);
  await expect.poll(() => page.getByRole("heading", { name: "Bring dinner" }).isVisible()).toBe(true);
  await checkA11y(page);
  await page.getByRole("button", { name: /^I'll do it/ }).click();
  await expect.poll(() => page.getByText("Claimed by you").first().isVisible()).toBe(true);
  await checkA11y(page);
  const claims = must(await serviceClient().from("task_claims").select("member_id").eq("task_id", dinner), "claims");
  expect(claims).toHaveLength(1);

  // The digest's unsubscribe link, opened without a session: a page to confirm; turning it back on is
  // in the settings, signed in (the link only stops).
  const unsubscribeUrl = /^<(.+)>$/.exec(digest.headers["List-Unsubscribe"])![1];
  expect(digest.text).toContain(unsubscribeUrl);
  const anonymous = await (await newContext()).newPage();
  await anonymous.goto(unsubscribeUrl);
  await expect.poll(() => anonymous.getByText("Stop the email digest from Maria's circle?").isVisible()).toBe(true);
  await checkA11y(anonymous);
  await anonymous.getByRole("button", { name: "Unsubscribe" }).click();
  await expect.poll(() => anonymous.getByText("You are unsubscribed.").isVisible()).toBe(true);
  await checkA11y(anonymous);
  await anonymous.getByRole("link", { name: "email settings" }).click();
  await expect.poll(() => new URL(anonymous.url()).pathname).toBe("/auth/sign-in");
  expect(new URL(anonymous.url()).searchParams.get("redirectTo")).toBe(`/circles/${circle.id}/notifications`);

  // Maria, on the same page, has her notice switches and chooses what digests show of her updates.
  const mariaPage = await (await newContext()).newPage();
  await mariaPage.goto(`/auth/sign-in?redirectTo=${encodeURIComponent(`/circles/${circle.id}/notifications`)}`);
  await checkA11y(mariaPage);
  await mariaPage.getByLabel("Email").fill(maria.email);
  await mariaPage.getByLabel("Password").fill(maria.password);
  await mariaPage.getByRole("button", { name: "Sign in" }).click();
  await mariaPage.waitForURL((url) => url.pathname === `/circles/${circle.id}/notifications`);
  await expect.poll(() => mariaPage.getByRole("checkbox", { name: "Someone claims a task" }).isChecked()).toBe(true);
  await checkA11y(mariaPage);
  await mariaPage.getByRole("radio", { name: /^Full text/ }).check();
  await mariaPage.getByRole("button", { name: "Save", exact: true }).click();
  await expect.poll(() => mariaPage.getByText("Saved: digests now show the full text of updates.").isVisible()).toBe(true);
  await checkA11y(mariaPage);
});
