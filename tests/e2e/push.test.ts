import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { makeCalendarCircle } from "../helpers/calendar-fixture";
import { onTestFinished } from "vitest";
import { sql } from "../helpers/supabase";
import { appUrl, CHROMIUM_PATH, expect, screenshot, signIn, test } from "./fixtures";

// Push on this device (issue 13): from the notifications page a member turns notifications on (the
// browser asks permission, subscribes with the app's VAPID key, the page saves the subscription), the
// page lists the device, a push delivered to the service worker (DevTools protocol) shows a
// notification, and the device is removed with a plain form.

const PHONE = { width: 390, height: 844 };

test("the notifications page lists the device, a push to the worker shows a notification, a plain form removes the device", { timeout: 90_000 }, async ({ checkA11y }) => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const c = await makeCalendarCircle();
  const leo = await c.member({ name: "Leo" });
  // Chromium has no Push API in off-the-record profiles (Playwright's usual contexts): a real profile.
  const profile = await mkdtemp(path.join(os.tmpdir(), "circle-push-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-component-update", "--disable-sync", "--no-first-run"],
    baseURL: appUrl(),
    permissions: ["notifications"],
  });
  onTestFinished(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  const page = await context.newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, leo.email, checkA11y);
  await checkA11y(page);
  await page.goto(`/circles/${c.circleId}/notifications`);
  await checkA11y(page);
  await page.evaluate(() => navigator.serviceWorker.ready);

  // The button asks permission and subscribes; Chromium's subscribe needs Google's push service (FCM),
  // which a test machine without the internet cannot reach, so the test posts what the page posts next:
  // a subscription as the browser gives it (endpoint and keys), to the page's own action.
  expect(await page.getByRole("button", { name: "Turn on for this device" }).isVisible()).toBe(true);
  const status = await page.evaluate(async () => {
    const bytes = (n: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const form = new URLSearchParams({ intent: "push-on", endpoint: `https://push.example.test/send/${bytes(16)}`, p256dh: bytes(65), auth: bytes(16), label: "Chrome on Linux" });
    return (await fetch(location.pathname, { method: "POST", body: form, redirect: "manual" })).type;
  });
  expect(status).toBe("opaqueredirect");
  await page.reload();
  await checkA11y(page);
  const rows = await sql<{ endpoint: string; device_label: string }>("select endpoint, device_label from public.push_subscriptions where member_id = $1", [leo.memberId]);
  expect(rows).toHaveLength(1);
  expect(rows[0].device_label).toBe("Chrome on Linux");
  await expect.poll(() => page.getByRole("button", { name: `Remove ${rows[0].device_label}` }).isVisible()).toBe(true);
  await screenshot(page, "push-on-390x844");

  // A push, delivered to the worker as the push service would (DevTools protocol), becomes a notification.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  // A push sent to a registration whose worker is not active yet is dropped: wait for the activated
  // worker of the page's own registration, not for whichever registration is reported first.
  const registrationId = await new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerVersionUpdated", ({ versions }: { versions: Array<{ registrationId: string; scriptURL: string; status: string }> }) => {
      const active = versions.find((v) => v.status === "activated" && v.scriptURL === `${origin}/sw.js`);
      if (active) resolve(active.registrationId);
    });
    void cdp.send("ServiceWorker.enable");
  });
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin,
    registrationId,
    data: JSON.stringify({ title: "Leo, a ride needs help", body: "A ride · Tue 3 Mar, 10:00", url: `/circles/${c.circleId}`, tag: "t1" }),
  });
  await expect
    .poll(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => `${n.title} | ${n.body}`)), { timeout: 10_000 })
    .toEqual(["Leo, a ride needs help | A ride · Tue 3 Mar, 10:00"]);

  // Removal is a plain form.
  await page.getByRole("button", { name: `Remove ${rows[0].device_label}` }).click();
  await expect.poll(() => page.getByText("That device no longer gets notifications from this circle.").isVisible()).toBe(true);
  await checkA11y(page);
  expect(await sql("select 1 from public.push_subscriptions where member_id = $1", [leo.memberId])).toHaveLength(0);
});
