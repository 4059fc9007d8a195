import { mkdir } from "node:fs/promises";
import { addDays, toLocalDate } from "~/calendar/time";
import { makeCalendarCircle } from "../helpers/calendar-fixture";
import { expect, screenshot, signIn, test } from "./fixtures";

// Offers, forms and words at 390x844 (issue 12): an offer has no default kind of help, accepting it
// asks for a short title (the helper's sentence stays in the notes), a series says its limit.

const PHONE = { width: 390, height: 844 };

test("an offer: kind of help chosen, a short title on acceptance, the sentence kept as notes", { timeout: 120_000 }, async ({ newContext, checkA11y }) => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const c = await makeCalendarCircle({ timeZone: "Europe/London" });
  const sam = await c.member({ categories: ["practical"], name: "Sam" });
  const base = `/circles/${c.circleId}`;
  const sentence = "I can mow the lawn and clear the gutters on Saturday morning.";

  const samPage = await (await newContext()).newPage();
  await samPage.setViewportSize(PHONE);
  await signIn(samPage, sam.email, checkA11y);
  await samPage.goto(`${base}/tasks/offers`);
  await checkA11y(samPage);
  const kind = samPage.getByLabel("Kind of help");
  expect(await kind.inputValue()).toBe("");
  expect(await kind.locator("option:checked").textContent()).toBe("Choose…");
  await samPage.getByLabel("What you can do").fill(sentence);
  await samPage.getByLabel("Day", { exact: true }).fill(addDays(toLocalDate(new Date(), c.timeZone), 3));
  await samPage.getByLabel("Any time that day").check();
  // Without a kind the browser asks first (required); sent anyway, the server says it by the field.
  await samPage.locator("form:has(#offer-kind)").evaluate((form) => ((form as HTMLFormElement).noValidate = true));
  await samPage.getByRole("button", { name: "Send the offer" }).click();
  await expect.poll(() => samPage.locator("#offer-kind-error").textContent()).toBe("Choose what kind of help");
  expect(await kind.getAttribute("aria-describedby")).toBe("offer-kind-error");
  await checkA11y(samPage);
  await screenshot(samPage, "offer-kind-required-390");
  await kind.selectOption("household");
  await samPage.getByRole("button", { name: "Send the offer" }).click();
  await expect.poll(() => samPage.getByText("Your offer is sent").isVisible()).toBe(true);
  await checkA11y(samPage);

  const owner = await (await newContext()).newPage();
  await owner.setViewportSize(PHONE);
  await signIn(owner, c.owner.email, checkA11y);
  await owner.goto(`${base}/tasks/offers`);
  await checkA11y(owner);
  const title = owner.getByLabel("Title on the calendar");
  // Proposed from the kind of help, and required.
  expect(await title.inputValue()).toBe("Household help");
  await title.fill("");
  await owner.locator("form:has(input[name=title])").evaluate((form) => ((form as HTMLFormElement).noValidate = true));
  await owner.getByRole("button", { name: "Accept the offer from Sam" }).click();
  await expect.poll(() => owner.getByText("Give the task a short title").isVisible()).toBe(true);
  expect(await title.getAttribute("aria-invalid")).toBe("true");
  await checkA11y(owner);
  await screenshot(owner, "offer-accept-title-required-390");
  await owner.getByLabel("Title on the calendar").fill("Lawn and gutters");
  await owner.getByRole("button", { name: "Accept the offer from Sam" }).click();
  await owner.waitForURL((url) => /\/tasks\/[0-9a-f-]{36}$/.test(url.pathname));
  await checkA11y(owner);
  await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toContain("Lawn and gutters");
  expect(await owner.locator("main").textContent()).toContain(sentence);
  await screenshot(owner, "offer-accepted-task-390");
});

test("a series of 99,999 times says the limit", { timeout: 90_000 }, async ({ newContext, checkA11y }) => {
  const c = await makeCalendarCircle({ timeZone: "Europe/London" });
  const page = await (await newContext()).newPage();
  await page.setViewportSize(PHONE);
  await signIn(page, c.owner.email, checkA11y);
  await page.goto(`/circles/${c.circleId}/tasks/new`);
  await checkA11y(page);
  await page.getByLabel("What is needed").fill("Dog walk");
  await page.getByLabel("All day (no particular time)").check();
  await page.getByLabel("Every day, or every few days").check();
  await page.getByLabel("After a number of times").check();
  await page.getByLabel("How many times").fill("99999");
  await page.getByRole("button", { name: "Add to the calendar" }).click();
  await expect.poll(() => page.locator("#count-error").textContent()).toBe("At most 500 times");
  await checkA11y(page);
  await page.locator("#count").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "tests/e2e/screenshots/series-limit-390.png" });
});
