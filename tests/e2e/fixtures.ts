import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, test as base } from "vitest";
import { PASSWORD } from "../helpers/supabase";

// Every journey runs in the system's Chromium, and every page it visits must pass an axe check:
// call `checkA11y(page)` after each navigation; a page loaded but never checked fails the test.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const appUrl = () => process.env.APP_URL!;

interface Fixtures {
  browser: Browser;
  /** A fresh browser context (its own cookies): one per person in the journey. */
  newContext: () => Promise<BrowserContext>;
  checkA11y: (page: Page) => Promise<void>;
}

const uncheckedPages = new Map<Page, Set<string>>();

function trackNavigations(page: Page) {
  const unchecked = new Set<string>();
  uncheckedPages.set(page, unchecked);
  page.on("load", () => unchecked.add(new URL(page.url()).pathname));
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  browser: async ({}, use) => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    await use(browser);
    await browser.close();
  },
  newContext: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ baseURL: appUrl(), viewport: { width: 1200, height: 900 } });
      context.on("page", trackNavigations);
      contexts.push(context);
      return context;
    });
    const missed = [...uncheckedPages.entries()]
      .filter(([page]) => contexts.includes(page.context()))
      .flatMap(([, paths]) => [...paths]);
    for (const context of contexts) await context.close();
    expect(missed, "pages visited without an accessibility check").toEqual([]);
  },
  // eslint-disable-next-line no-empty-pattern
  checkA11y: async ({}, use) => {
    await use(async (page: Page) => {
      await page.waitForLoadState("load");
      const results = await new AxeBuilder({ page }).analyze();
      const violations = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
      );
      expect(violations, `axe violations on ${page.url()}`).toEqual([]);
      uncheckedPages.get(page)?.delete(new URL(page.url()).pathname);
    });
  },
});

export { expect };
export { latestEmail, linkIn } from "../helpers/mailbox";

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `tests/e2e/screenshots/${name}.png`, fullPage: true });
}

/** Opens a menu of the header (a <details>: "Account", or the circle's "More") unless it is open. */
export async function openMenu(page: Page, name: "Account" | "More") {
  const menu = page.locator("details.menu").filter({ has: page.locator("summary", { hasText: name }) });
  if (!(await menu.evaluate((details) => (details as HTMLDetailsElement).open))) await menu.locator("summary").click();
}

/** Follows a link of the circle's navigation, through More when the link is in it. */
export async function circleNav(page: Page, name: string) {
  const link = page.getByRole("navigation", { name: "Circle" }).getByRole("link", { name, exact: true });
  if (!(await link.isVisible())) await openMenu(page, "More");
  await link.click();
}

/** Signs in through the sign-in form with the test users' password, and waits to leave /auth/. */
export async function signIn(page: Page, email: string, checkA11y?: (page: Page) => Promise<void>) {
  await page.goto("/auth/sign-in");
  await checkA11y?.(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/"));
}
