import { describe, expect, test } from "vitest";
import { safeRedirect } from "~/safe-redirect";

describe("safeRedirect", () => {
  test.each([
    ["/circles/1", "/circles/1"],
    ["/circles?tab=tasks#today", "/circles?tab=tasks#today"],
    ["  /trimmed ", "/trimmed"],
  ])("keeps the same-origin path %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  test.each([
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "/\\/evil.com",
    "https://evil.com",
    "http:/evil.com",
    "javascript:alert(1)",
    "evil.com",
    "/\tevil",
    "/%0d%0aSet-Cookie:x",
    "",
  ])("ignores %j", (input) => {
    const result = safeRedirect(input);
    if (input === "/%0d%0aSet-Cookie:x") {
      // Percent-encoded stays encoded: a harmless path on our own origin.
      expect(result).toBe("/%0d%0aSet-Cookie:x");
    } else {
      expect(result).toBe("/");
    }
  });

  test("uses the fallback for non-strings", () => {
    expect(safeRedirect(null, "/home")).toBe("/home");
    expect(safeRedirect(undefined)).toBe("/");
  });
});
