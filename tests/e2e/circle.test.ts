import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { appUrl, circleNav, expect, latestEmail, linkIn, openMenu, screenshot, test } from "./fixtures";

// The consent-controlled circle, end to end in Chromium: Maria signs up and creates her circle,
// invites her father (supporter) and her mother (coordinator); each signs up from the invitation
// page in their own browser and accepts; Maria narrows what her father sees and his "What is shared
// with me" page changes; a forwarded invitation link opened by someone else is refused.

const PASSWORD = "a calm and long password";
const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** Signs up through the form, then confirms the address with the emailed link (no session before). */
async function fillSignUp(page: Page, name: string, email: string, checkA11y: (page: Page) => Promise<void>) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect.poll(() => page.getByRole("heading", { name: "Check your email" }).isVisible()).toBe(true);
  await expect.poll(() => page.getByText(email).isVisible()).toBe(true);
  await checkA11y(page);
  await page.goto(linkIn((await latestEmail(email, { subject: /Confirm your email/ })).text, "/auth/confirm"));
  await checkA11y(page);
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
}

async function invite(
  page: Page,
  person: { email: string; role: "Supporter" | "Coordinator"; label: string },
) {
  await page.getByLabel("Their email address").fill(person.email);
  await page.getByRole("radio", { name: new RegExp(`^${person.role}`) }).check();
  await page.getByLabel("How they know you").selectOption("family");
  await page.getByLabel("Label (optional)").fill(person.label);
}

const visible = (page: Page, text: string | RegExp) => () => page.getByText(text).first().isVisible();

// Many pages, each with an axe check: well over vitest's default minute.
test("a circle where the person decides who sees what", { timeout: 300_000 }, async ({ newContext, checkA11y }) => {
  const maria = address("maria");
  const dad = address("dad");
  const mom = address("mom");
  const cousin = address("cousin");
  const eve = address("eve");

  // Maria signs up and creates her circle.
  const page = await (await newContext()).newPage();
  await page.goto("/auth/sign-up?redirectTo=%2Fcircles");
  await checkA11y(page);
  await fillSignUp(page, "Maria", maria, checkA11y);
  await page.waitForURL((url) => url.pathname === "/circles");
  await expect.poll(visible(page, "Start your circle")).toBe(true);
  await checkA11y(page);
  await page.getByLabel("Name of the circle").fill("Maria's circle");
  await page.getByLabel("Time zone").selectOption("Europe/London");
  await page.getByRole("button", { name: "Create the circle" }).click();
  await page.waitForURL(/\/circles\/[0-9a-f-]{36}$/);
  const circleUrl = page.url();
  const circlePath = new URL(circleUrl).pathname;
  await expect.poll(visible(page, "London time (Europe/London)")).toBe(true);
  await checkA11y(page);

  // She invites her father as a supporter with the defaults, her mother as a coordinator.
  await circleNav(page, "Members");
  await page.waitForURL(`**${circlePath}/members`);
  await expect.poll(visible(page, "Invite someone")).toBe(true);
  await checkA11y(page);
  await invite(page, { email: dad, role: "Supporter", label: "Dad" });
  await expect.poll(() => page.getByRole("checkbox", { name: /^Wellbeing/ }).isChecked()).toBe(false);
  await page.getByRole("button", { name: "Send the invitation", exact: true }).click();
  await expect.poll(visible(page, `Invitation sent to ${dad}.`)).toBe(true);
  await checkA11y(page);

  await invite(page, { email: mom, role: "Coordinator", label: "Mom" });
  // Choosing the coordinator role ticks their usual categories (practical, general, milestones, wellbeing).
  await expect.poll(() => page.getByRole("checkbox", { name: /^Wellbeing/ }).isChecked()).toBe(true);
  await expect.poll(() => page.getByRole("checkbox", { name: /^Health/ }).isChecked()).toBe(false);
  await page.getByRole("button", { name: "Send the invitation", exact: true }).click();
  await expect.poll(visible(page, `Invitation sent to ${mom}.`)).toBe(true);
  await checkA11y(page);

  // Her father opens the emailed link in his own browser, creates an account from the invitation
  // page, comes back to it and accepts.
  const dadEmail = await latestEmail(dad, { subject: /invited you/ });
  expect(dadEmail.subject).toBe("Maria invited you to their support circle");
  const dadPage = await (await newContext()).newPage();
  await dadPage.goto(linkIn(dadEmail.text, "/invitations/"));
  await expect.poll(() => dadPage.getByRole("heading", { level: 1 }).textContent()).toBe(
    "Maria invited you to join “Maria's circle”",
  );
  await expect.poll(visible(dadPage, "Not shared with you:")).toBe(true);
  await checkA11y(dadPage);
  await screenshot(dadPage, "invitation-page");
  await dadPage.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => dadPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(dadPage, "invitation-page-phone");
  await dadPage.setViewportSize({ width: 1200, height: 900 });
  await dadPage.getByRole("link", { name: "Create an account" }).click();
  await dadPage.waitForURL("**/auth/sign-up?redirectTo=*");
  await checkA11y(dadPage);
  await fillSignUp(dadPage, "Jorge", dad, checkA11y);
  await dadPage.waitForURL((url) => url.pathname.startsWith("/invitations/"));
  await checkA11y(dadPage);
  await dadPage.getByRole("button", { name: "Accept and join" }).click();
  await dadPage.waitForURL(circleUrl);
  await expect.poll(visible(dadPage, "Shared with you")).toBe(true);
  await checkA11y(dadPage);
  await circleNav(dadPage, "What is shared with me");
  await dadPage.waitForURL(`**${circlePath}/shared-with-me`);
  const dadShared = () => dadPage.getByRole("list", { name: "Categories shared with you" }).textContent();
  await expect.poll(dadShared).toMatch(/Practical.*General.*Milestones/s);
  await checkA11y(dadPage);

  // Her mother does the same with the "Sign in" route: she already has an account.
  const momPage = await (await newContext()).newPage();
  await momPage.goto("/auth/sign-up");
  await checkA11y(momPage);
  await fillSignUp(momPage, "Ana", mom, checkA11y);
  await momPage.waitForURL((url) => url.pathname === "/circles");
  await checkA11y(momPage);
  await openMenu(momPage, "Account");
  await momPage.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => momPage.getByRole("link", { name: "Sign in" }).first().isVisible()).toBe(true);
  await checkA11y(momPage);
  await momPage.goto(linkIn((await latestEmail(mom, { subject: /invited you/ })).text, "/invitations/"));
  await expect.poll(visible(momPage, "You are invited as")).toBe(true);
  await checkA11y(momPage);
  await momPage.getByRole("main").getByRole("link", { name: "Sign in" }).click();
  await momPage.waitForURL("**/auth/sign-in?redirectTo=*");
  await checkA11y(momPage);
  await momPage.getByLabel("Email").fill(mom);
  await momPage.getByLabel("Password").fill(PASSWORD);
  await momPage.getByRole("button", { name: "Sign in" }).click();
  await momPage.waitForURL((url) => url.pathname.startsWith("/invitations/"));
  await checkA11y(momPage);
  await momPage.getByRole("button", { name: "Accept and join" }).click();
  await momPage.waitForURL(circleUrl);
  await expect.poll(visible(momPage, "Coordinator")).toBe(true);
  await checkA11y(momPage);

  // Maria sees both in her circle and narrows what her father sees.
  await page.reload();
  await expect.poll(visible(page, "Who sees what")).toBe(true);
  await checkA11y(page);
  await screenshot(page, "members-page");
  await page.getByRole("checkbox", { name: "Share General with Jorge" }).uncheck();
  await page.getByRole("checkbox", { name: "Share Milestones with Jorge" }).uncheck();
  await page.getByRole("button", { name: "Save what Jorge sees" }).click();
  await expect.poll(visible(page, "Saved. Jorge now sees: Practical.")).toBe(true);
  await checkA11y(page);

  // Her father's view changes on his very next request, and he can see why.
  await dadPage.reload();
  await expect.poll(dadShared).not.toMatch(/General|Milestones/);
  await expect.poll(dadShared).toMatch(/Practical/);
  await expect.poll(visible(dadPage, /Maria stopped sharing general news with you on \d+ \w+\./)).toBe(true);
  await checkA11y(dadPage);

  // Maria previews the circle as her father.
  await circleNav(page, "Preview as…");
  await page.waitForURL(`**${circlePath}/preview`);
  await checkA11y(page);
  await page.getByRole("link", { name: "Preview as Jorge" }).click();
  await page.waitForURL(new RegExp(`${circlePath}/preview/[0-9a-f-]{36}$`));
  await expect.poll(visible(page, "This is the circle as Jorge sees it")).toBe(true);
  await checkA11y(page);

  // A forwarded link: Maria invites her cousin; someone else, signed in with their own account, opens
  // the cousin's link. The page says so, offers no way in, and a hand-made accept is refused.
  await page.goto(`${circlePath}/members`);
  await checkA11y(page);
  await invite(page, { email: cousin, role: "Supporter", label: "Cousin" });
  await page.getByRole("button", { name: "Send the invitation", exact: true }).click();
  await expect.poll(visible(page, `Invitation sent to ${cousin}.`)).toBe(true);
  await checkA11y(page);
  const cousinLink = linkIn((await latestEmail(cousin, { subject: /invited you/ })).text, "/invitations/");

  const evePage = await (await newContext()).newPage();
  await evePage.goto("/auth/sign-up");
  await checkA11y(evePage);
  await fillSignUp(evePage, "Eve", eve, checkA11y);
  await evePage.waitForURL((url) => url.pathname === "/circles");
  await checkA11y(evePage);
  await evePage.goto(cousinLink);
  await expect.poll(visible(evePage, /This invitation was sent to c\*\*\*@example\.com\. You are signed in as/)).toBe(true);
  await expect.poll(() => evePage.getByRole("main").getByText(eve).first().isVisible()).toBe(true);
  expect(await evePage.getByRole("button", { name: "Accept and join" }).count()).toBe(0);
  await checkA11y(evePage);
  await screenshot(evePage, "invitation-wrong-account");
  const forged = await evePage.request.post(cousinLink, {
    form: { intent: "accept" },
    headers: { Origin: appUrl() },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain("This invitation was sent to a different email address.");

  await page.reload();
  await expect.poll(visible(page, `Invitation sent to ${cousin}.`)).toBe(true);
  await checkA11y(page);
  const cousinCard = page.getByRole("listitem").filter({ hasText: cousin });
  await expect.poll(() => cousinCard.getByText("Waiting", { exact: true }).isVisible()).toBe(true);
});
