import { randomUUID } from "node:crypto";
import { anonClient, clientWithToken, createAuthUser, PASSWORD } from "../helpers/supabase";
import { appUrl, expect, latestEmail, linkIn, openMenu, screenshot, test } from "./fixtures";

// A newcomer's first minutes: create an account, sign out, sign back in with a password, then with an
// emailed link read from the mailbox.

test("sign up, sign out, sign in with a password and with an emailed link", async ({ newContext, checkA11y }) => {
  const email = `newcomer-${randomUUID()}@example.com`;
  const password = "a calm and long password";
  const page = await (await newContext()).newPage();

  await page.goto("/");
  await checkA11y(page);
  await page.getByRole("link", { name: /create an account|get started|sign up/i }).first().click();
  await page.waitForURL("**/auth/sign-up**");
  await checkA11y(page);

  await page.getByLabel("Your name").fill("Maria");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  // Email confirmation is on: no session until the emailed link is opened.
  await expect.poll(() => page.getByRole("heading", { name: "Check your email" }).isVisible()).toBe(true);
  await expect.poll(() => page.getByText(email).isVisible()).toBe(true);
  await checkA11y(page);
  await screenshot(page, "sign-up-check-email");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "sign-up-check-email-phone");
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(linkIn((await latestEmail(email, { subject: /Confirm your email/ })).text, "/auth/confirm"));
  await checkA11y(page);
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/circles");
  await openMenu(page, "Account");
  await expect.poll(() => page.getByText(email).first().isVisible()).toBe(true);
  await checkA11y(page);
  await screenshot(page, "signed-in-home");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => page.getByRole("link", { name: "Sign in" }).first().isVisible()).toBe(true);
  await checkA11y(page);

  await page.getByRole("link", { name: "Sign in" }).first().click();
  await page.waitForURL("**/auth/sign-in**");
  await checkA11y(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByText("Email or password is incorrect").isVisible()).toBe(true);
  await checkA11y(page);

  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/circles");
  await openMenu(page, "Account");
  await expect.poll(() => page.getByText(email).first().isVisible()).toBe(true);
  await checkA11y(page);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => page.getByRole("link", { name: "Sign in" }).first().isVisible()).toBe(true);
  await page.goto("/auth/sign-in-link");
  await checkA11y(page);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect.poll(() => page.getByText(/check your email/i).first().isVisible()).toBe(true);
  await checkA11y(page);

  const message = await latestEmail(email, { subject: /sign-in link/i });
  await page.goto(linkIn(message.text, "/auth/confirm"));
  await checkA11y(page);
  await screenshot(page, "sign-in-link-continue");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/"));
  await openMenu(page, "Account");
  await expect.poll(() => page.getByText(email).first().isVisible()).toBe(true);
  await checkA11y(page);
});

test("an email change is confirmed from both addresses, on a phone", async ({ newContext, checkA11y }) => {
  const { email } = await createAuthUser();
  const newEmail = `moved-${randomUUID()}@example.com`;
  const { data } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
  const member = clientWithToken(data.session!.access_token);
  await member.auth.setSession(data.session!);
  const { error } = await member.auth.updateUser({ email: newEmail }, { emailRedirectTo: `${appUrl()}/` });
  expect(error).toBeNull();

  const context = await newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(linkIn((await latestEmail(newEmail, { subject: /new email address/i })).text, "/auth/confirm"));
  await checkA11y(page);
  await page.getByRole("button", { name: "Confirm the change" }).click();
  await expect.poll(() => page.getByRole("heading", { name: "One address confirmed" }).isVisible()).toBe(true);
  await checkA11y(page);
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "email-change-one-address-confirmed-phone");

  await page.goto(linkIn((await latestEmail(email, { subject: /new email address/i })).text, "/auth/confirm"));
  await checkA11y(page);
  await page.getByRole("button", { name: "Confirm the change" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/"));
  await openMenu(page, "Account");
  await expect.poll(() => page.getByText(newEmail).first().isVisible()).toBe(true);
  await checkA11y(page);
});
