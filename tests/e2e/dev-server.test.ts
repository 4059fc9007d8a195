import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ConsoleMessage } from "playwright-core";
import { startAppServer } from "../helpers/app-server";
import { makeCalendarCircle } from "../helpers/calendar-fixture";
import { PASSWORD } from "../helpers/supabase";
import { expect, test } from "./fixtures";

// `npm run dev` on a fresh clone: Vite starts with no pre-bundled dependencies. The first pages, the
// calendar among them, must work at once: no "new dependencies optimized, reloading" (a page that
// holds React from one bundle and react-big-calendar from the next crashes with "Invalid hook call"),
// and no React warning in the browser's console.

test("a fresh dev server: sign-in and the calendar load once, with no React error or warning", { timeout: 180_000 }, async ({ browser }) => {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), "vite-cache-"));
  const server = await startAppServer({ VITE_CACHE_DIR: cacheDir });
  try {
    const c = await makeCalendarCircle({ timeZone: "Europe/Dublin" });
    await c.task({ title: "Dinner for Maria" });
    const context = await browser.newContext({ baseURL: server.origin, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    let loads = 0;
    page.on("load", () => loads++);

    await page.goto(`/auth/sign-in?redirectTo=${encodeURIComponent(`/circles/${c.circleId}/calendar`)}`);
    await page.getByLabel("Email").fill(c.owner.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/calendar"));
    await page.locator(".task-calendar[data-ready='true']").waitFor();
    await page.goto(`/circles/${c.circleId}/calendar?view=week`);
    await page.locator(".task-calendar[data-ready='true']").waitFor();
    // Vite announces late-found dependencies a moment after the page asked for them.
    await page.waitForTimeout(3000);

    expect(server.output()).not.toMatch(/new dependencies optimized|optimized dependencies changed/i);
    expect(problems).toEqual([]);
    // The sign-in page and the calendar twice (week view): no reload in between.
    expect(loads).toBeLessThanOrEqual(3);
    await context.close();
  } finally {
    await server.stop();
    await rm(cacheDir, { recursive: true, force: true });
  }
});
