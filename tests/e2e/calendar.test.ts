import { mkdir } from "node:fs/promises";
import type { Page } from "playwright-core";
import { isoWeekday, toLocalDate, toLocalDateTime, zonedInstant } from "~/calendar/time";
import { makeCalendarCircle, type CalendarCircle } from "../helpers/calendar-fixture";
import { PASSWORD } from "../helpers/supabase";
import { appUrl, expect, screenshot, test } from "./fixtures";

// The shared task calendar in Chromium: a coordinator creates a weekly ride series from the form; a
// supporter claims one occurrence from the calendar and another from the list view with JavaScript
// turned off; two browsers race for the last spot of a third and the loser is told who took it; the
// helper marks the first one done and reads the coordinator's thank-you note. Month and week views
// are captured as screenshots (tests/e2e/screenshots/).

// A zone where it is daytime now, so that a ride "in two hours" is still today, whatever the hour the
// test runs at.
const ZONES = ["Pacific/Kiritimati", "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "America/Sao_Paulo", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu"];
function daytimeZone(now: Date): string {
  return ZONES.find((zone) => {
    const hour = Number(toLocalDateTime(now, zone).slice(11, 13));
    return hour >= 6 && hour <= 16;
  })!;
}

async function signIn(page: Page, email: string, checkA11y?: (page: Page) => Promise<void>) {
  await page.goto(`/auth/sign-in?redirectTo=${encodeURIComponent("/circles")}`);
  await checkA11y?.(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/circles");
}

/** The calendar has hydrated and tidied react-big-calendar's markup (see useCalendarAria). */
async function calendarReady(page: Page) {
  await page.locator(".task-calendar[data-ready='true']").waitFor();
}

const visible = (page: Page, text: string | RegExp) => () => page.getByText(text).first().isVisible();

test("a weekly ride series: create, claim from the calendar and the list, race, done and thanked", { timeout: 300_000 }, async ({ browser, newContext, checkA11y }) => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const timeZone = daytimeZone(new Date());
  const c: CalendarCircle = await makeCalendarCircle({ timeZone });
  const [ana, sam, tom] = await Promise.all([
    c.member({ role: "coordinator", categories: ["practical", "general"], name: "Ana" }),
    c.member({ categories: ["practical"], name: "Sam" }),
    c.member({ categories: ["practical"], name: "Tom" }),
  ]);
  const base = `/circles/${c.circleId}`;
  const now = new Date();
  const today = toLocalDate(now, timeZone);
  const local = toLocalDateTime(now, timeZone);
  const startHour = Number(local.slice(11, 13)) + 2;
  const start = `${String(startHour).padStart(2, "0")}:00`;
  const end = `${String(startHour + 1).padStart(2, "0")}:30`;
  const weekday = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][isoWeekday(today) - 1];

  // Ana, the coordinator, adds the series from the calendar page.
  const anaPage = await (await newContext()).newPage();
  await signIn(anaPage, ana.email, checkA11y);
  await checkA11y(anaPage);
  await anaPage.goto(`${base}/calendar`);
  await calendarReady(anaPage);
  await checkA11y(anaPage);
  await anaPage.getByRole("link", { name: "Add a task" }).click();
  await anaPage.waitForURL(`**${base}/tasks/new`);
  await checkA11y(anaPage);
  // A first try with the end before the start: the message is next to the field.
  await anaPage.getByLabel("What is needed").fill("Ride to group");
  await anaPage.getByLabel("Kind of help").selectOption("ride");
  await anaPage.getByLabel("Date (first date, if it repeats)").fill(today);
  await anaPage.getByLabel("Starts").fill(start);
  await anaPage.getByLabel("Ends").fill("05:00");
  await anaPage.getByLabel("On chosen days of the week").check();
  await anaPage.getByRole("checkbox", { name: weekday }).check();
  await anaPage.getByLabel("After a number of times").check();
  await anaPage.getByLabel("How many times").fill("6");
  await anaPage.getByLabel("Where (optional)").fill("Community centre, Hall B");
  await anaPage.getByRole("button", { name: "Add to the calendar" }).click();
  await expect.poll(visible(anaPage, "The end must be after the start")).toBe(true);
  await expect(await anaPage.getByLabel("Ends").getAttribute("aria-invalid")).toBe("true");
  await checkA11y(anaPage);
  await anaPage.getByLabel("Ends").fill(end);
  await anaPage.getByRole("button", { name: "Add to the calendar" }).click();
  await expect.poll(visible(anaPage, "“Ride to group” is on the calendar.")).toBe(true);
  await expect.poll(visible(anaPage, `Every ${weekday}, 6 times`)).toBe(true);
  await checkA11y(anaPage);

  // Sam claims today's ride from the calendar (week view).
  const samContext = await newContext();
  const samPage = await samContext.newPage();
  await signIn(samPage, sam.email, checkA11y);
  await checkA11y(samPage);
  await samPage.goto(`${base}/calendar?view=week`);
  await calendarReady(samPage);
  await checkA11y(samPage);
  await samPage.getByRole("link", { name: /Needs help: Ride to group/ }).first().click();
  await samPage.waitForURL(new RegExp(`${base}/tasks/[0-9a-f-]{36}$`));
  const firstRide = samPage.url();
  await checkA11y(samPage);
  await samPage.getByRole("button", { name: /I'll do it/ }).click();
  await expect.poll(visible(samPage, /“Ride to group” is yours/)).toBe(true);
  await expect.poll(visible(samPage, "Claimed by you")).toBe(true);
  // Focus lands on the confirmation.
  await expect.poll(() => samPage.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/“Ride to group” is yours/);

  // A short task in the week: its whole title shows on a desktop, not cut off at 30 minutes.
  await c.task({
    title: "Dinner drop-off for Maria and the kids",
    kind: "meal",
    startsAt: zonedInstant(today, `${String(startHour - 1).padStart(2, "0")}:00`, timeZone),
    endsAt: zonedInstant(today, `${String(startHour - 1).padStart(2, "0")}:30`, timeZone),
  });
  await samPage.goto(`${base}/calendar?view=week`);
  await calendarReady(samPage);
  await checkA11y(samPage);
  const dinner = samPage.locator(".rbc-day-slot .rbc-event").filter({ hasText: "Dinner drop-off for Maria and the kids" });
  await dinner.waitFor();
  expect(await dinner.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await screenshot(samPage, "calendar-week-short-task");
  // Below 600 px the week is a list of days, each task with its time.
  await samPage.setViewportSize({ width: 390, height: 844 });
  await checkA11y(samPage);
  expect(await samPage.locator(".rbc-time-view").isVisible()).toBe(false);
  expect(await samPage.locator(".task-week-rows > li").count()).toBe(7);
  await expect.poll(() => samPage.getByRole("link", { name: /^\d\d:\d\d Yours: Ride to group/ }).isVisible()).toBe(true);
  await expect.poll(() => samPage.getByRole("link", { name: /^\d\d:\d\d Needs help: Dinner drop-off for Maria and the kids/ }).isVisible()).toBe(true);
  expect(await samPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(samPage, "calendar-week-phone");
  await samPage.setViewportSize({ width: 1200, height: 900 });

  // Ana sees in the month who took the ride; a skip link takes the keyboard to the first open task.
  await anaPage.goto(`${base}/calendar`);
  await calendarReady(anaPage);
  await checkA11y(anaPage);
  await expect.poll(() => anaPage.getByRole("link", { name: /^\d\d:\d\d Taken: Ride to group · Sam/ }).count()).toBe(1);
  await anaPage.getByRole("link", { name: "Go to the first task that needs help" }).focus();
  await anaPage.keyboard.press("Enter");
  expect(await anaPage.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/Needs help: /);

  // Month and week views, as Sam sees them: his ride stands out as his, the others need help.
  await samPage.goto(`${base}/calendar`);
  await calendarReady(samPage);
  await checkA11y(samPage);
  await expect.poll(() => samPage.getByRole("link", { name: /^\d\d:\d\d Yours: Ride to group/ }).count()).toBe(1);
  await screenshot(samPage, "calendar-month");
  // On a phone the month is a list of the days with tasks (and today), each named by its weekday.
  await samPage.setViewportSize({ width: 390, height: 844 });
  await checkA11y(samPage);
  expect(await samPage.locator(".task-month thead").isVisible()).toBe(false);
  await expect.poll(() => samPage.getByRole("link", { name: /^\d\d:\d\d Yours: Ride to group/ }).isVisible()).toBe(true);
  const shownDays = await samPage.locator(".task-month-day").evaluateAll((cells) =>
    cells.filter((cell) => getComputedStyle(cell).display !== "none").map((cell) => cell.classList.contains("has-tasks") || cell.classList.contains("is-today")),
  );
  expect(shownDays.length).toBeGreaterThan(0);
  expect(shownDays.every(Boolean)).toBe(true);
  await screenshot(samPage, "calendar-month-phone");
  // The agenda's columns stack on a phone: nothing runs off the side of the screen.
  await samPage.goto(`${base}/calendar?view=agenda`);
  await calendarReady(samPage);
  await checkA11y(samPage);
  expect(await samPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The agenda writes dates as every other page does: "Thu 3 Dec".
  expect(await samPage.locator(".rbc-agenda-date-cell").first().innerText()).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/);
  await screenshot(samPage, "calendar-agenda-phone");
  await samPage.setViewportSize({ width: 1200, height: 900 });
  // The month grid's links are plain <a>s; with JavaScript a click is still a client navigation.
  await samPage.evaluate(() => Object.assign(window, { sameDocument: true }));
  await samPage.getByRole("link", { name: /^Yours: Ride to group/ }).click();
  await samPage.waitForURL(firstRide);
  expect(await samPage.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await checkA11y(samPage);
  await samPage.goto(`${base}/calendar?view=week`);
  await calendarReady(samPage);
  await checkA11y(samPage);
  await screenshot(samPage, "calendar-week");

  // Sam claims next week's ride from the list view, with JavaScript off: plain forms.
  const noJs = await browser.newContext({ baseURL: appUrl(), javaScriptEnabled: false, viewport: { width: 1000, height: 900 } });
  const plain = await noJs.newPage();
  await signIn(plain, sam.email);
  await plain.goto(`${base}/tasks?days=14`);
  const nextWeek = plain.locator("li.task-card").filter({ has: plain.getByRole("heading", { name: /Ride to group/ }) }).filter({ hasText: /Needs help/ }).first();
  await nextWeek.getByRole("button", { name: /I'll do it/ }).click();
  await plain.waitForURL(/notice=claimed/);
  // axe runs in the page, so the no-JavaScript pages are checked by the same pages above with it.
  await expect.poll(visible(plain, /“Ride to group” is yours/)).toBe(true);
  expect(await plain.getByText("Claimed by you").count()).toBe(2);
  await noJs.close();

  // Sam and Tom open the third ride at the same time and both take the last spot.
  const rides = await c.owner.client.from("tasks").select("id, series_date").eq("title", "Ride to group").order("series_date");
  const third = rides.data![2].id;
  const tomPage = await (await newContext()).newPage();
  await signIn(tomPage, tom.email, checkA11y);
  await checkA11y(tomPage);
  await Promise.all([samPage.goto(`${base}/tasks/${third}`), tomPage.goto(`${base}/tasks/${third}`)]);
  await checkA11y(samPage);
  await checkA11y(tomPage);
  await Promise.all([
    samPage.getByRole("button", { name: /I'll do it/ }).click(),
    tomPage.getByRole("button", { name: /I'll do it/ }).click(),
  ]);
  const outcome = async (page: Page) => {
    await expect
      .poll(async () => (await page.getByText(/is yours|just took the last spot/).count()) > 0, { timeout: 10_000 })
      .toBe(true);
    return (await page.getByText(/just took the last spot/).count()) > 0 ? "lost" : "won";
  };
  const [samOutcome, tomOutcome] = await Promise.all([outcome(samPage), outcome(tomPage)]);
  expect([samOutcome, tomOutcome].sort()).toEqual(["lost", "won"]);
  const loserPage = samOutcome === "lost" ? samPage : tomPage;
  const winnerName = samOutcome === "lost" ? "Tom" : "Sam";
  await expect.poll(visible(loserPage, `${winnerName} just took the last spot.`)).toBe(true);
  await checkA11y(loserPage);

  // Sam marks today's ride done; Ana thanks him; Sam reads the note.
  await samPage.goto(firstRide);
  await checkA11y(samPage);
  await samPage.getByRole("button", { name: /Mark done/ }).click();
  await expect.poll(visible(samPage, "“Ride to group” is marked done. Thank you!")).toBe(true);
  await anaPage.goto(firstRide);
  await checkA11y(anaPage);
  await anaPage.getByLabel(/A note for/).fill("Thank you Sam, Maria loved the chat on the way.");
  await anaPage.getByRole("button", { name: "Save the note" }).click();
  await expect.poll(visible(anaPage, /Your thank-you note for “Ride to group” is saved/)).toBe(true);
  await samPage.reload();
  await checkA11y(samPage);
  await expect.poll(visible(samPage, "A thank-you note")).toBe(true);
  await expect.poll(visible(samPage, "Thank you Sam, Maria loved the chat on the way.")).toBe(true);
  await screenshot(samPage, "task-thanked");

  // Tom sees the ride as done, but the note is not his to read.
  await tomPage.goto(firstRide);
  await checkA11y(tomPage);
  await expect.poll(visible(tomPage, "Done")).toBe(true);
  expect(await tomPage.getByText("Thank you Sam").count()).toBe(0);
});
