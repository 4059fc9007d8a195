import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { DAY, fromNow, makeCalendarCircle } from "../helpers/calendar-fixture";
import { appUrl, expect, openMenu, screenshot, signIn, test } from "./fixtures";

// A helper's phone (issue 12): at 390x844 the header and the circle's navigation take at most 120 px on
// every page, the rest of the circle is one tap away under More (a <details>, so it works without
// JavaScript and by keyboard), and someone in one circle goes straight into it.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 900 };
const NAV_BUDGET_PX = 120;

/** How far down the page the header and the circle's bar reach. */
const navBottom = (page: Page) =>
  page.evaluate(() =>
    Math.max(...[".site-header", ".circle-bar"].map((s) => document.querySelector(s)?.getBoundingClientRect().bottom ?? 0)),
  );

test("header and navigation fit a phone; More works by keyboard and without JavaScript", { timeout: 180_000 }, async ({ browser, newContext, checkA11y }) => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const c = await makeCalendarCircle({ timeZone: "Europe/London" });
  const leo = await c.member({ categories: ["practical", "general"], name: "Leo" });
  await c.task({ title: "Dinner drop-off", startsAt: fromNow(2 * DAY) });
  const base = `/circles/${c.circleId}`;

  const page = await (await newContext()).newPage();
  await page.setViewportSize(PHONE);
  // In one circle only: signing in lands in it, not on a list of one.
  await signIn(page, leo.email, checkA11y);
  await page.waitForURL((url) => url.pathname === base);
  await checkA11y(page);

  const heights: Record<string, number> = {};
  for (const path of [base, `${base}/calendar`, `${base}/updates`, `${base}/tasks`, `${base}/members`, `${base}/settings`, "/circles", "/resources", "/account"]) {
    await page.goto(path);
    await checkA11y(page);
    heights[path.replace(base, "(circle)")] = await navBottom(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `no sideways scroll on ${path}`).toBeLessThanOrEqual(PHONE.width);
  }
  console.log("header + navigation at 390x844 (px):", heights);
  for (const [path, bottom] of Object.entries(heights)) expect(bottom, path).toBeLessThanOrEqual(NAV_BUDGET_PX);

  // The list of circles is one tap away, in the header.
  await page.goto(base);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Your circles" }).click();
  await page.waitForURL((url) => url.pathname === "/circles");
  await expect.poll(() => page.getByRole("link", { name: "Calendar circle" }).isVisible()).toBe(true);
  await checkA11y(page);
  await page.getByRole("link", { name: "Calendar circle" }).click();
  await page.waitForURL((url) => url.pathname === base);

  // More, by keyboard: Enter opens it, Tab reaches its first link with a visible focus ring, Escape
  // closes it and gives the focus back.
  const nav = page.getByRole("navigation", { name: "Circle" });
  const more = nav.locator("summary");
  await more.focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => nav.getByRole("link", { name: "Members", exact: true }).isVisible()).toBe(true);
  await checkA11y(page);
  await screenshot(page, "phone-more-menu");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    return { text: el.textContent, outline: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth };
  });
  expect(focused).toMatchObject({ text: "Task list", outline: "solid" });
  expect(parseFloat(focused.width)).toBeGreaterThanOrEqual(2);
  await page.keyboard.press("Escape");
  await expect.poll(() => nav.getByRole("link", { name: "Members", exact: true }).isVisible()).toBe(false);
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("SUMMARY");
  // A link in it is a client navigation; the menu closes behind it.
  await openMenu(page, "More");
  await nav.getByRole("link", { name: "Members", exact: true }).click();
  await page.waitForURL(`**${base}/members`);
  await expect.poll(() => nav.getByRole("link", { name: "Settings", exact: true }).isVisible()).toBe(false);
  await checkA11y(page);

  // The Account menu holds the address, account settings and signing out; deleting the account is in
  // account settings.
  await openMenu(page, "Account");
  await expect.poll(() => page.getByText(leo.email).isVisible()).toBe(true);
  await checkA11y(page);
  await screenshot(page, "phone-account-menu");
  await page.getByRole("link", { name: "Account settings" }).click();
  await page.waitForURL("**/account");
  await expect.poll(() => page.getByRole("link", { name: "Delete your account" }).isVisible()).toBe(true);
  await checkA11y(page);
  await screenshot(page, "phone-account-settings");

  // At desktop width it is one slim row each.
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/calendar`);
  await checkA11y(page);
  const desktop = await navBottom(page);
  console.log("header + navigation at 1200 wide (px):", desktop);
  expect(desktop).toBeLessThanOrEqual(NAV_BUDGET_PX);
  await screenshot(page, "desktop-navigation");

  // Without JavaScript, More opens as a plain disclosure and its links are plain links.
  const noJs = await browser.newContext({ baseURL: appUrl(), javaScriptEnabled: false, viewport: PHONE });
  const plain = await noJs.newPage();
  await signIn(plain, leo.email);
  await plain.waitForURL((url) => url.pathname === base);
  const plainNav = plain.getByRole("navigation", { name: "Circle" });
  await plainNav.locator("summary").click();
  await plainNav.getByRole("link", { name: "What is shared with me" }).click();
  await plain.waitForURL(`**${base}/shared-with-me`);
  await expect.poll(() => plain.getByRole("heading", { level: 1 }).textContent()).toBe("What is shared with me");
  await noJs.close();
});
