import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { claimsOf, DAY, fromNow, makeCalendarCircle } from "../helpers/calendar-fixture";
import { must } from "../helpers/supabase";
import { appUrl, expect, screenshot, signIn, test } from "./fixtures";

// What needs you, first (issue 12): on a phone a helper's circle home opens with the week's open tasks,
// each claimed in one tap from there (with and without JavaScript), then their own tasks, then the
// updates; the person's home opens with what waits for her (drafts, offers, notes), then the check-in.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** Top of each element on the page (document coordinates), to check their order. */
const tops = (page: Page, selectors: string[]) =>
  page.evaluate(
    (list) => list.map((s) => (document.querySelector(s)?.getBoundingClientRect().top ?? NaN) + window.scrollY),
    selectors,
  );

test("a helper claims from the circle home in one tap; the person sees what waits for her first", { timeout: 240_000 }, async ({ browser, newContext, checkA11y }) => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const c = await makeCalendarCircle({ timeZone: "Europe/London" });
  const [leo, ana, sam] = await Promise.all([
    c.member({ categories: ["practical", "general"], name: "Leo" }),
    c.member({ role: "coordinator", categories: ["practical", "general", "milestones", "wellbeing"], name: "Ana" }),
    c.member({ categories: ["practical"], name: "Sam" }),
  ]);
  const dinner = await c.task({ title: "Dinner for Maria", kind: "meal", startsAt: fromNow(2 * DAY), location: "Maria's flat" });
  const ride = await c.task({ title: "Ride to group", kind: "ride", startsAt: fromNow(3 * DAY) });
  const walk = await c.task({ title: "Walk Bruno", kind: "pet_care", startsAt: fromNow(4 * DAY) });
  const theirs = await c.task({ title: "Pharmacy pick-up", kind: "errand", startsAt: fromNow(5 * DAY) });
  // Not for Leo's home: a health task (not shared with him), one past the week, one already full.
  await c.task({ title: "Therapy ride", kind: "ride", category: "health", startsAt: fromNow(DAY) });
  await c.task({ title: "Spring cleaning", kind: "household", startsAt: fromNow(10 * DAY) });
  const full = await c.task({ title: "Bins out", kind: "household", startsAt: fromNow(DAY) });
  must(await sam.client.rpc("claim_task", { task_id: full }), "Sam claims the bins");
  must(await leo.client.rpc("claim_task", { task_id: theirs }), "Leo's own task");

  // What waits for Maria, each written by its sender with their own token.
  must(
    await ana.client.from("updates").insert({ circle_id: c.circleId, category: "general", body: "Maria's garden is blooming.", status: "pending" }),
    "Ana's draft",
  );
  must(
    await leo.client.rpc("offer_help", {
      circle_id: c.circleId,
      message: "I can mow the lawn on Saturday morning.",
      starts_at: fromNow(6 * DAY).toISOString(),
      ends_at: fromNow(6 * DAY + 2 * 3_600_000).toISOString(),
      all_day: false,
      kind: "household",
      category: "practical",
    }),
    "Leo's offer",
  );
  must(
    await leo.client.from("encouragement_notes").insert({ circle_id: c.circleId, author_member_id: leo.memberId, body: "Proud of you, sis." }),
    "Leo's note",
  );
  const base = `/circles/${c.circleId}`;

  // Leo, on his phone, lands in the circle: the open tasks come first, each with its button on screen.
  const page = await (await newContext()).newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, leo.email, checkA11y);
  await page.waitForURL((url) => url.pathname === base);
  await checkA11y(page);
  const open = page.getByRole("region", { name: "You could help with" });
  await expect.poll(() => open.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Dinner for Maria", "Ride to group", "Walk Bruno"]);
  const mine = page.getByRole("region", { name: "Your next tasks" });
  expect(await mine.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Pharmacy pick-up"]);
  const text = await page.locator("main").textContent();
  for (const hidden of ["Therapy ride", "Spring cleaning", "Bins out"]) expect(text).not.toContain(hidden);
  const [openTop, mineTop, updatesTop] = await tops(page, ["#open-heading", "#mine-heading", "#updates-heading"]);
  expect(openTop).toBeLessThan(mineTop);
  expect(mineTop).toBeLessThan(updatesTop);
  const claimDinner = open.getByRole("button", { name: /^I'll do it ?: Dinner for Maria/ });
  const box = await claimDinner.boundingBox();
  console.log("first 'I'll do it' at 390x844 (px from top, height):", box?.y, box?.height);
  expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await screenshot(page, "home-helper-phone");

  // One tap: the dinner is his, the confirmation has the focus, and it moved to his tasks.
  await claimDinner.click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/“Dinner for Maria” is yours/);
  expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("status");
  await expect.poll(() => mine.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Dinner for Maria", "Pharmacy pick-up"]);
  expect(await open.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Ride to group", "Walk Bruno"]);
  expect(await claimsOf(dinner)).toEqual([leo.memberId]);
  await checkA11y(page);
  await screenshot(page, "home-helper-claimed-phone");
  // The task's own page says it is his.
  await mine.getByRole("link", { name: "Dinner for Maria" }).click();
  await page.waitForURL(`**${base}/tasks/${dinner}`);
  await expect.poll(() => page.locator(".badge-mine").first().textContent()).toBe("Yours");
  await checkA11y(page);

  await page.setViewportSize(DESKTOP);
  await page.goto(base);
  await checkA11y(page);
  await screenshot(page, "home-helper-desktop");

  // Without JavaScript the button is a plain form post: one tap, the page comes back saying so.
  const noJs = await browser.newContext({ baseURL: appUrl(), javaScriptEnabled: false, viewport: PHONE });
  const plain = await noJs.newPage();
  await signIn(plain, leo.email);
  await plain.waitForURL((url) => url.pathname === base);
  await plain.getByRole("button", { name: /^I'll do it ?: Ride to group/ }).click();
  await plain.waitForURL((url) => url.pathname === base && url.searchParams.get("notice") === "claimed");
  expect(await plain.getByRole("status").textContent()).toMatch(/“Ride to group” is yours/);
  expect(await plain.getByRole("region", { name: "Your next tasks" }).getByRole("heading", { level: 3 }).allTextContents()).toEqual([
    "Dinner for Maria",
    "Ride to group",
    "Pharmacy pick-up",
  ]);
  expect(await claimsOf(ride)).toEqual([leo.memberId]);
  // Someone was quicker: the page says who, and nothing is claimed twice.
  must(await sam.client.rpc("claim_task", { task_id: walk }), "Sam takes the walk first");
  await plain.getByRole("button", { name: /^I'll do it ?: Walk Bruno/ }).click();
  await plain.waitForLoadState("load");
  expect(await plain.getByRole("alert").textContent()).toBe("Sam just took the last spot.");
  expect(await claimsOf(walk)).toEqual([sam.memberId]);
  expect(await plain.locator("main").textContent()).not.toContain("Walk Bruno");
  await noJs.close();

  // Ana, a coordinator, answers offers too: Leo's comes right after the tasks she could help with.
  const anaPage = await (await newContext()).newPage();
  await anaPage.setViewportSize(PHONE);
  await signIn(anaPage, ana.email, checkA11y);
  await anaPage.waitForURL((url) => url.pathname === base);
  await checkA11y(anaPage);
  const anaOffers = anaPage.getByRole("region", { name: "An offer of help to answer" });
  await expect.poll(() => anaOffers.textContent()).toContain("Leo offers household help: “I can mow the lawn on Saturday morning.”");
  const [anaOpenTop, anaOffersTop, anaMineTop] = await tops(anaPage, ["#open-heading", "#offers-heading", "#mine-heading"]);
  expect(anaOpenTop).toBeLessThan(anaOffersTop);
  expect(anaOffersTop).toBeLessThan(anaMineTop);
  await screenshot(anaPage, "home-coordinator-phone");

  // Maria, on her phone: what waits for her, then the check-in, then the rest.
  const maria = await (await newContext()).newPage();
  await maria.setViewportSize(PHONE);
  await signIn(maria, c.owner.email, checkA11y);
  await maria.waitForURL((url) => url.pathname === base);
  await checkA11y(maria);
  const waiting = maria.getByRole("region", { name: "Waiting for you" });
  await expect.poll(() => waiting.getByRole("heading", { level: 3 }).allTextContents()).toEqual([
    "A draft to approve",
    "An offer of help to answer",
    "A note for you in the last 7 days",
  ]);
  const waitingText = await waiting.textContent();
  for (const words of ["Ana: “Maria's garden is blooming.”", "Leo offers household help: “I can mow the lawn on Saturday morning.”", "Leo: “Proud of you, sis.”"]) {
    expect(waitingText).toContain(words);
  }
  const [firstHeading] = await maria.locator("main h2").allTextContents();
  expect(firstHeading).toBe("Waiting for you");
  const [waitingTop, checkInTop, weekTop, latestTop] = await tops(maria, ["#waiting-heading", ".check-in-card", "#week-heading", "#updates-heading"]);
  expect(waitingTop).toBeLessThan(checkInTop);
  expect(checkInTop).toBeLessThan(weekTop);
  expect(weekTop).toBeLessThan(latestTop);
  // She sees every task: of the week's, only the health one (hidden from Leo) still needs someone.
  expect(await maria.locator("#week-heading + p").textContent()).toMatch(/^1 task in the next 7 days still needs someone\./);
  await screenshot(maria, "home-person-phone");
  await waiting.getByRole("link", { name: "Review drafts" }).click();
  await maria.waitForURL(`**${base}/updates/drafts`);
  await checkA11y(maria);
  await maria.goto(base);
  await checkA11y(maria);
  await maria.setViewportSize(DESKTOP);
  await screenshot(maria, "home-person-desktop");
});
