import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { DAY, fromNow, makeCalendarCircle } from "../helpers/calendar-fixture";
import { appUrl, expect, screenshot, signIn, test } from "./fixtures";

// Installable (issue 13): the manifest is served and valid, the service worker registers, a page that
// cannot load offline shows the calm offline page, and no circle page or answer is ever stored in
// Cache Storage (a phone may be shared). Chromium's own installability check (what Lighthouse's
// installable-manifest audit read, before Lighthouse 12 dropped it) finds nothing to object to.

const PHONE = { width: 390, height: 844 };
const PRECACHED = ["/offline.html", "/offline.css", "/favicon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];

function pngSize(bytes: Buffer) {
  expect(bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** Every entry in any Cache Storage cache of the page's origin: its path, type and body. */
const cachedEntries = (page: Page) =>
  page.evaluate(async () => {
    const entries: Array<{ url: string; type: string; body: string }> = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = (await cache.match(request))!;
        const url = new URL(request.url);
        entries.push({ url: url.pathname + url.search, type: response.headers.get("content-type") ?? "", body: await response.text() });
      }
    }
    return entries;
  });

test("the manifest is served and valid; its icons are the sizes it says", async () => {
  const res = await fetch(new URL("/manifest.webmanifest", appUrl()));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/manifest\+json/);
  const manifest = (await res.json()) as Record<string, unknown> & { icons: Array<{ src: string; sizes: string; type: string; purpose: string }> };
  expect(manifest).toMatchObject({ name: expect.any(String), short_name: "Circle", start_url: "/", display: "standalone", theme_color: "#2f5d62", background_color: "#fbfaf7" });
  for (const want of ["192x192 any", "512x512 any", "192x192 maskable", "512x512 maskable"]) {
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toContain(want);
  }
  for (const icon of manifest.icons) {
    const image = await fetch(new URL(icon.src, appUrl()));
    expect(image.status, icon.src).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(pngSize(Buffer.from(await image.arrayBuffer()))).toBe(icon.sizes);
  }
});

test("service worker: registers, offline page when offline, never a circle page in Cache Storage", { timeout: 90_000 }, async ({ newContext, checkA11y }) => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const c = await makeCalendarCircle({ timeZone: "Europe/London" });
  const taskId = await c.task({ title: "Dinner drop-off for the worker test", startsAt: fromNow(2 * DAY) });
  const leo = await c.member({ categories: ["practical", "general"], name: "Leo" });
  const base = `/circles/${c.circleId}`;

  const context = await newContext();
  const page = await context.newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, leo.email, checkA11y);
  await checkA11y(page);

  // The page links the manifest, and Chromium finds the app installable.
  expect(await page.locator('link[rel="manifest"]').getAttribute("href")).toBe("/manifest.webmanifest");
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(new URL("/", appUrl()).href);
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send("Page.getAppManifest")) as { url: string; errors: unknown[] };
  expect(manifest.url).toBe(new URL("/manifest.webmanifest", appUrl()).href);
  expect(manifest.errors).toEqual([]);
  const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: Array<{ errorId: string }> };
  console.log("Chromium installability errors:", installabilityErrors.map((e) => e.errorId));
  // Playwright's contexts are off-the-record profiles, which Chromium never installs from: that one
  // error is about the test's browser, not the app. Anything else (manifest, icons, worker) fails.
  expect(installabilityErrors.filter((e) => e.errorId !== "in-incognito")).toEqual([]);

  // Circle pages and their data requests, now through the worker (client-side navigations fetch ?_data=).
  await page.reload();
  expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  for (const path of [base, `${base}/calendar`, `${base}/tasks`, `${base}/tasks/${taskId}`, `${base}/updates`]) {
    await page.goto(path);
    await checkA11y(page);
  }
  await page.goto(base);
  await checkA11y(page);
  await page.getByRole("link", { name: "Calendar", exact: true }).first().click();
  await page.waitForURL((url) => url.pathname === `${base}/calendar`);
  await checkA11y(page);

  const stored = await cachedEntries(page);
  console.log(`Cache Storage holds ${stored.length} entries:`, stored.map((e) => e.url));
  expect(stored.length).toBeGreaterThan(PRECACHED.length); // the build's own files were stored…
  for (const { url, type, body } of stored) {
    // …and nothing else: no page, no loader answer, no API call, nothing of this circle.
    expect(url.startsWith("/assets/") || PRECACHED.includes(url), url).toBe(true);
    expect(url).not.toMatch(/_data=|rest\/v1|auth\/v1/);
    expect(url).not.toContain(c.circleId);
    if (url !== "/offline.html") expect(type, url).not.toMatch(/html|json/);
    expect(body, url).not.toContain("Dinner drop-off for the worker test");
    expect(body, url).not.toContain(leo.email);
  }

  // Offline: a page that cannot load shows the calm offline page, not the browser's error.
  await context.setOffline(true);
  await page.goto(`${base}/tasks/${taskId}`);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("You are offline");
  expect(await page.textContent("body")).not.toContain("Dinner drop-off");
  await checkA11y(page);
  await screenshot(page, "offline-390x844");
  await context.setOffline(false);
});
