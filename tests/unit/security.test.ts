import { describe, expect, test } from "vitest";
import { checkRequest, contentSecurityPolicy, createNonce, isOriginCheckExempt, routedPath, securityHeaders } from "~/security.server";

const appUrl = "https://circle.example";
const base = { path: "/auth/sign-in", appUrl, origin: undefined, referer: undefined };

describe("request checks", () => {
  test("reads are always allowed", () => {
    expect(checkRequest({ ...base, method: "GET" })).toEqual({ ok: true });
    expect(checkRequest({ ...base, method: "HEAD", origin: "https://evil.example" })).toEqual({ ok: true });
  });

  test("POST from our origin, or with our Referer when Origin is missing", () => {
    expect(checkRequest({ ...base, method: "POST", origin: appUrl })).toEqual({ ok: true });
    expect(checkRequest({ ...base, method: "POST", referer: `${appUrl}/auth/sign-in?x=1` })).toEqual({ ok: true });
  });

  test.each([
    ["another origin", { origin: "https://evil.example" }],
    ["a look-alike origin", { origin: "https://circle.example.evil.example" }],
    ["another port", { origin: "https://circle.example:8443" }],
    ["Origin null", { origin: "null" }],
    ["Origin null and our Referer", { origin: "null", referer: `${appUrl}/auth/sign-in` }],
    ["neither Origin nor Referer", {}],
    ["a foreign Referer", { referer: "https://evil.example/page" }],
  ])("POST with %s is refused with 403", (_name, headers) => {
    const result = checkRequest({ ...base, method: "POST", ...headers });
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  test.each(["PUT", "PATCH", "DELETE"])("%s is refused with 405", (method) => {
    expect(checkRequest({ ...base, method, origin: appUrl })).toMatchObject({
      ok: false,
      status: 405,
      headers: { Allow: "GET, HEAD, POST" },
    });
  });
});

describe("the routed path", () => {
  test("is the path itself when it is already normalised", () => {
    expect(routedPath("/circles/abc/settings?x=../y", "circle.example")).toBe("/circles/abc/settings");
    expect(routedPath("/unsubscribe/abc", "localhost:3000")).toBe("/unsubscribe/abc");
    expect(routedPath("/", undefined)).toBe("/");
    expect(routedPath("/a", "[::1]:3000")).toBe("/a");
  });

  test.each([
    "/unsubscribe/../circles/x/settings",
    "/unsubscribe/%2e%2e/circles/x/settings",
    "/unsubscribe/%2E%2e/circles/x/settings",
    "/unsubscribe/.%2E/circles/x/settings",
    "/unsubscribe/./x",
    "/unsubscribe/%2e/x",
    "/unsubscribe\\..\\circles",
    "/unsubscribe//x",
    "//unsubscribe/x",
    "http://circle.example/unsubscribe/x",
    "*",
  ])("refuses %s, which does not route as it reads", (target) => {
    expect(routedPath(target, "circle.example")).toBeNull();
  });

  test.each(["circle.example/circles/x?", "circle.example#", "circle.example\\x", "", "a b"])(
    "refuses a Host header %j that is not a host and port",
    (host) => {
      expect(routedPath("/unsubscribe/abc", host)).toBeNull();
    },
  );

  test("the Origin exemptions are whole routed paths, not prefixes", () => {
    expect(isOriginCheckExempt("/unsubscribe/abc")).toBe(true);
    expect(isOriginCheckExempt("/unsubscribe/abc/")).toBe(true);
    expect(isOriginCheckExempt("/cron/digest")).toBe(true);
    expect(isOriginCheckExempt("/unsubscribe/abc/circles/x/settings")).toBe(false);
    expect(isOriginCheckExempt("/unsubscribe/")).toBe(false);
    expect(isOriginCheckExempt("/cron/digest/x")).toBe(false);
    expect(isOriginCheckExempt("/circles/x/unsubscribe/abc")).toBe(false);
  });
});

describe("security headers", () => {
  test("production CSP allows only nonce'd inline scripts and no framing", () => {
    const csp = contentSecurityPolicy({ nonce: "abc", dev: false, appUrl });
    expect(csp).toContain("script-src 'self' 'nonce-abc'");
    // Inline style attributes are allowed (the calendar positions its events with them); inline
    // scripts and <style> elements are not.
    expect(csp.split("; ").filter((d) => d.includes("unsafe-inline"))).toEqual(["style-src-attr 'unsafe-inline'"]);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  test("the usual hardening headers", () => {
    const headers = securityHeaders({ nonce: "abc", dev: false, appUrl });
    expect(headers).toMatchObject({
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": expect.stringContaining("max-age="),
    });
  });

  test("nonces are random and unguessable", () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    expect([...nonces][0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
