import type { BrowserContext, Page } from "playwright-core";
import { makeCircleFixture, type CircleFixture, type SignedIn } from "../helpers/circle-fixture";
import { expect, latestEmail, screenshot, test } from "./fixtures";

// Updates in the browser: the person shares a wellbeing update with one member (who sees it while
// another does not), approves a coordinator's draft (which then appears), and checks in asking a member
// to reach out (who gets the email). Everyone signs in through the real pages.

async function signIn(context: BrowserContext, f: CircleFixture, who: SignedIn, checkA11y: (page: Page) => Promise<void>) {
  const page = await context.newPage();
  await page.goto("/auth/sign-in");
  await checkA11y(page);
  await page.getByLabel("Email").fill(f.users[who].email);
  await page.getByLabel("Password").fill(f.users[who].password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/"));
  await checkA11y(page);
  return page;
}

test("a wellbeing update for one member, a coordinator's draft approved, a check-in with a reach-out email", async ({
  newContext,
  checkA11y,
}) => {
  const f = await makeCircleFixture();
  const feed = `/circles/${f.circleId}/updates`;
  const text = `A steadier week. Thank you for the walks. ${crypto.randomUUID().slice(0, 8)}`;

  // The person shares a wellbeing update with Sam only.
  const maria = await signIn(await newContext(), f, "owner", checkA11y);
  await maria.goto(`${feed}/new`);
  await checkA11y(maria);
  await maria.getByLabel("Your update").fill(`${text}\nMore at https://nami.org\n<script>alert(1)</script>`);
  await maria.getByLabel("Who may see it").selectOption("wellbeing");
  await maria.getByLabel("Mood (wellbeing updates only)").selectOption("4");
  await maria.getByRole("checkbox", { name: /^Sam\b/ }).check();
  await maria.getByRole("button", { name: "Share update" }).click();
  await maria.waitForURL((url) => url.pathname === feed);
  await expect.poll(() => maria.getByText("Your update is shared.").isVisible()).toBe(true);
  await checkA11y(maria);
  const card = maria.locator("article", { hasText: text });
  expect(await card.getByText("Shared only with Sam").isVisible()).toBe(true);
  expect(await card.getByText("Mood 4 of 5: good").isVisible()).toBe(true);
  // The script tag is text; the link is a safe link.
  expect(await card.getByText("<script>alert(1)</script>", { exact: false }).isVisible()).toBe(true);
  expect(await card.getByRole("link", { name: "https://nami.org" }).getAttribute("rel")).toBe("noopener noreferrer nofollow");

  // Sam sees it and sends support; Priya (wellbeing too, but not in the audience) does not see it.
  const sam = await signIn(await newContext(), f, "supW", checkA11y);
  await sam.goto(feed);
  await checkA11y(sam);
  const samsCard = sam.locator("article", { hasText: text });
  expect(await samsCard.isVisible()).toBe(true);
  await samsCard.getByRole("button", { name: "Send support" }).click();
  await expect.poll(() => samsCard.getByText("You sent support").isVisible()).toBe(true);
  await checkA11y(sam);

  const priya = await signIn(await newContext(), f, "supOut", checkA11y);
  await priya.goto(feed);
  await checkA11y(priya);
  expect(await priya.getByText(text).count()).toBe(0);

  // A coordinator drafts an update; it waits for the person, who approves it; then Sam sees it.
  const draftText = `Maria asked me to say: no visits this weekend, calls are welcome. ${crypto.randomUUID().slice(0, 8)}`;
  const ana = await signIn(await newContext(), f, "coordW", checkA11y);
  await ana.goto(`${feed}/new`);
  await checkA11y(ana);
  await ana.getByLabel("Your update").fill(draftText);
  await ana.getByLabel("Who may see it").selectOption("wellbeing");
  await ana.getByRole("button", { name: "Send for approval" }).click();
  await ana.waitForURL((url) => url.pathname === `${feed}/drafts`);
  await checkA11y(ana);
  expect(await ana.getByText("Waiting for approval").first().isVisible()).toBe(true);

  await sam.goto(feed);
  await checkA11y(sam);
  expect(await sam.getByText(draftText).count()).toBe(0);

  await maria.goto(feed);
  await checkA11y(maria);
  await maria.getByRole("link", { name: /Drafts waiting for you \(\d+\)/ }).click();
  await maria.waitForURL((url) => url.pathname === `${feed}/drafts`);
  await checkA11y(maria);
  await maria.locator("li", { hasText: draftText }).getByRole("button", { name: "Approve and share" }).click();
  await expect.poll(() => maria.getByText("The update is published.").isVisible()).toBe(true);
  await checkA11y(maria);
  await latestEmail(f.users.coordW.email, { subject: /published the update you drafted/ });

  await sam.goto(feed);
  await checkA11y(sam);
  expect(await sam.getByText(draftText).isVisible()).toBe(true);

  await maria.goto(feed);
  await checkA11y(maria);
  await screenshot(maria, "updates-feed");

  // The check-in: two taps (a colour, then share), with Sam asked to reach out.
  await maria.goto(`/circles/${f.circleId}/check-in`);
  await checkA11y(maria);
  await maria.getByLabel("A line about it (optional)").fill("A hard night, better this morning.");
  await maria.getByText("Ask someone to reach out").click();
  await maria.getByRole("checkbox", { name: "Sam", exact: true }).check();
  await maria.getByText("Yellow").click();
  await checkA11y(maria);
  await screenshot(maria, "check-in");
  await maria.getByRole("button", { name: "Share check-in" }).click();
  await maria.waitForURL((url) => url.searchParams.has("shared"));
  await checkA11y(maria);
  expect(await maria.getByText(/We emailed Sam to ask them to reach out/).isVisible()).toBe(true);
  await screenshot(maria, "check-in-shared");

  const email = await latestEmail(f.users.supW.email, { subject: /would like to hear from you/ });
  expect(email.text).not.toMatch(/hard night|yellow/i);

  await sam.goto(feed);
  await checkA11y(sam);
  expect(await sam.getByText("A hard night, better this morning.").isVisible()).toBe(true);
  await screenshot(sam, "updates-feed-member");
}, 240_000);

test("the resources page is readable signed out", async ({ newContext, checkA11y }) => {
  const page = await (await newContext()).newPage();
  await page.goto("/resources");
  await checkA11y(page);
  expect(await page.getByText("not a crisis service", { exact: false }).first().isVisible()).toBe(true);
  expect(await page.getByRole("link", { name: "988" }).first().isVisible()).toBe(true);
});
