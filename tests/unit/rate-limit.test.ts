import { beforeEach, describe, expect, test } from "vitest";
import { consume, resetRateLimits, rules, tooManyAttemptsMessage } from "~/rate-limit.server";

const rule = { name: "test", limit: 3, windowMs: 60_000 };
const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);

describe("rate limits (sliding window)", () => {
  beforeEach(() => resetRateLimits());

  test("allows up to the limit, then refuses with the time until a slot frees", () => {
    expect(consume(rule, ["ip:1"], t0)).toEqual({ ok: true });
    expect(consume(rule, ["ip:1"], t0 + 10_000)).toEqual({ ok: true });
    expect(consume(rule, ["ip:1"], t0 + 20_000)).toEqual({ ok: true });
    expect(consume(rule, ["ip:1"], t0 + 30_000)).toEqual({ ok: false, retryAfterMs: 30_000 });
    // The first attempt leaves the window at t0 + 60s.
    expect(consume(rule, ["ip:1"], t0 + 60_001)).toEqual({ ok: true });
  });

  test("any exhausted key refuses, and refused attempts do not count", () => {
    for (let i = 0; i < 3; i++) consume(rule, ["ip:1", `email:${i}@x.test`], t0);
    expect(consume(rule, ["ip:2", "email:0@x.test"], t0).ok).toBe(true);
    expect(consume(rule, ["ip:1", "email:new@x.test"], t0).ok).toBe(false);
    // email:new was not counted by the refused attempt
    expect(consume(rule, ["ip:3", "email:new@x.test"], t0).ok).toBe(true);
  });

  test("keys are case-insensitive and separate per rule", () => {
    for (let i = 0; i < 3; i++) consume(rule, ["email:A@x.test"], t0);
    expect(consume(rule, ["email:a@X.test"], t0).ok).toBe(false);
    expect(consume({ ...rule, name: "other" }, ["email:a@x.test"], t0).ok).toBe(true);
  });

  test("the product's limits", () => {
    expect(rules.signIn).toMatchObject({ limit: 10, windowMs: 15 * 60_000 });
    expect(rules.signInLink).toMatchObject({ limit: 5, windowMs: 15 * 60_000 });
    expect(rules.passwordReset).toMatchObject({ limit: 5, windowMs: 15 * 60_000 });
  });

  test("message in whole minutes, rounded up", () => {
    expect(tooManyAttemptsMessage(1_000)).toBe("Too many attempts. Try again in 1 minute.");
    expect(tooManyAttemptsMessage(14 * 60_000 + 1)).toBe("Too many attempts. Try again in 15 minutes.");
  });
});

test("an IP key gets its own, higher limit: a household shares one address", () => {
  resetRateLimits();
  const shared = { name: "shared", limit: 1, ipLimit: 3, windowMs: 60_000 };
  const t0 = 5_000_000;
  expect(consume(shared, ["ip:9", "email:a@x.test"], t0).ok).toBe(true);
  expect(consume(shared, ["ip:9", "email:a@x.test"], t0).ok).toBe(false);
  expect(consume(shared, ["ip:9", "email:b@x.test"], t0).ok).toBe(true);
  expect(consume(shared, ["ip:9", "email:c@x.test"], t0).ok).toBe(true);
  expect(consume(shared, ["ip:9", "email:d@x.test"], t0).ok).toBe(false);
});
