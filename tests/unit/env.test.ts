import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test, vi } from "vitest";
import { parseEnv, WELL_KNOWN_APP_SECRETS, WELL_KNOWN_SUPABASE_SECRETS } from "~/env.server";
import { devAppEnv } from "../../supabase/local/config";
import * as localKeys from "../../supabase/local/keys";

const valid = {
  NODE_ENV: "test",
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_PUBLISHABLE_KEY: "publishable",
  SUPABASE_SECRET_KEY: "secret",
  SESSION_SECRET: "a-session-secret-of-at-least-32-chars",
  APP_URL: "http://localhost:3000",
};

describe("env", () => {
  test("parses a valid environment with defaults", () => {
    const env = parseEnv({ ...valid, RESEND_API_KEY: "", MAILBOX_URL: "" });
    expect(env.EMAIL_FROM).toBe("Circle <circle@localhost>");
    expect(env.RESEND_API_KEY).toBeUndefined();
    expect(env.MAILBOX_URL).toBeUndefined();
  });

  test("holds no JWT secret: sessions are verified with the project's JWKS (ADR 007)", () => {
    const env = parseEnv({ ...valid, SUPABASE_JWT_SECRET: "super-secret-jwt-token-with-at-least-32-characters-long" });
    expect(Object.keys(env).filter((name) => /JWT/.test(name))).toEqual([]);
    expect(() => parseEnv(valid)).not.toThrow();
  });

  test("names every missing or wrong variable", () => {
    const missingUrl: Record<string, string> = { ...valid };
    delete missingUrl.SUPABASE_URL;
    let message = "";
    try {
      parseEnv({ ...missingUrl, SESSION_SECRET: "short", APP_URL: "not a url" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Invalid environment variables/);
    expect(message).toMatch(/SUPABASE_URL/);
    expect(message).toMatch(/SESSION_SECRET: must be at least 32 characters/);
    expect(message).toMatch(/APP_URL/);
    expect(message).not.toMatch(/SUPABASE_PUBLISHABLE_KEY/);
  });

  test("the web server does not need the secret key", () => {
    const rest: Record<string, string> = { ...valid };
    delete rest.SUPABASE_SECRET_KEY;
    expect(parseEnv(rest).SUPABASE_SECRET_KEY).toBeUndefined();
  });

  test("the legacy key names are still read, with a one-line notice naming the new one", () => {
    const legacy: Record<string, string> = { ...valid, SUPABASE_ANON_KEY: "anon-jwt", SUPABASE_SERVICE_ROLE_KEY: "service-jwt" };
    delete legacy.SUPABASE_PUBLISHABLE_KEY;
    delete legacy.SUPABASE_SECRET_KEY;
    const notices: string[] = [];
    const warn = vi.spyOn(console, "warn").mockImplementation((line: string) => void notices.push(line));
    try {
      const env = parseEnv(legacy);
      expect(env.SUPABASE_PUBLISHABLE_KEY).toBe("anon-jwt");
      expect(env.SUPABASE_SECRET_KEY).toBe("service-jwt");
    } finally {
      warn.mockRestore();
    }
    expect(notices).toEqual([
      expect.stringMatching(/^SUPABASE_ANON_KEY is a legacy name: set SUPABASE_PUBLISHABLE_KEY instead/),
      expect.stringMatching(/^SUPABASE_SERVICE_ROLE_KEY is a legacy name: set SUPABASE_SECRET_KEY instead/),
    ]);
    expect(parseEnv({ ...valid, SUPABASE_ANON_KEY: "ignored" }).SUPABASE_PUBLISHABLE_KEY).toBe("publishable");
  });
});

describe("production (issue 10 items 10c and 12)", () => {
  const hosted = {
    ...valid,
    NODE_ENV: "production",
    SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
    APP_URL: "https://circle.example",
  };
  const refusal = (source: Record<string, string>) => {
    try {
      parseEnv(source);
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };
  const exampleFile = readFileSync(path.resolve(import.meta.dirname, "../../.env.example"), "utf8");
  const example = Object.fromEntries(
    exampleFile
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

  test("starts with a deployment's own values", () => {
    expect(parseEnv(hosted).APP_URL).toBe("https://circle.example");
  });

  test.each(Object.entries(example).filter(([name]) => /KEY|SECRET/.test(name) && example[name] !== ""))(
    ".env.example's %s is refused against a hosted project, naming the variable",
    (name, value) => {
      const message = refusal({ ...hosted, [name]: value });
      expect(message).toMatch(new RegExp(`^  - ${name}: is a published example value`, "m"));
      expect(message.split("\n").filter((line) => line.startsWith("  - "))).toHaveLength(1);
      // The value itself is not repeated in the message (logs).
      expect(message).not.toContain(value);
    },
  );

  test.each([
    ["SUPABASE_PUBLISHABLE_KEY", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"],
    ["SUPABASE_SECRET_KEY", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"],
  ])("the CLI's legacy local JWT key in %s is refused too", (name, value) => {
    expect(refusal({ ...hosted, [name]: value })).toMatch(new RegExp(`  - ${name}: is a published example value`));
  });

  test("the Supabase CLI's local keys are allowed against a local stack; the example session secret never", () => {
    const local = { ...hosted, ...example, NODE_ENV: "production", APP_URL: "http://localhost:3000", SESSION_SECRET: valid.SESSION_SECRET };
    expect(refusal(local)).toBe("");
    expect(refusal({ ...local, SUPABASE_URL: "http://localhost:54321" })).toBe("");
    expect(refusal({ ...local, SESSION_SECRET: example.SESSION_SECRET })).toMatch(/ {2}- SESSION_SECRET: is a published example value/);
    expect(refusal({ ...local, SUPABASE_URL: "http://127.0.0.2.nip.io:54321" })).toMatch(/SUPABASE_PUBLISHABLE_KEY/);
  });

  test("development and tests keep working with the example values", () => {
    expect(refusal({ ...hosted, ...example, NODE_ENV: "development" })).toBe("");
  });

  test("APP_URL must be https, unless it is localhost or 127.0.0.1", () => {
    expect(refusal({ ...hosted, APP_URL: "http://circle.example" })).toMatch(/^ {2}- APP_URL: must be an https address/m);
    expect(refusal({ ...hosted, APP_URL: "http://localhost.evil.example" })).toMatch(/APP_URL/);
    expect(refusal({ ...hosted, APP_URL: "http://localhost:3000" })).toBe("");
    expect(refusal({ ...hosted, APP_URL: "http://127.0.0.1:8080" })).toBe("");
    expect(refusal({ ...hosted, NODE_ENV: "development", APP_URL: "http://circle.example" })).toBe("");
  });

  test("every value published in the repository is on the list", () => {
    const known = new Set([...WELL_KNOWN_SUPABASE_SECRETS, ...WELL_KNOWN_APP_SECRETS]);
    for (const value of Object.values(localKeys as Record<string, unknown>).filter((v): v is string => typeof v === "string")) {
      expect(known.has(value), value).toBe(true);
    }
    const dev = devAppEnv({ PORT: 3000, API_PORT: 54321 } as Parameters<typeof devAppEnv>[0]);
    for (const name of ["SESSION_SECRET", "SUPABASE_PUBLISHABLE_KEY", "SUPABASE_SECRET_KEY"] as const) {
      expect(known.has(dev[name]), name).toBe(true);
    }
    for (const [name, value] of Object.entries(example)) {
      if (/KEY|SECRET/.test(name) && value !== "") expect(known.has(value), name).toBe(true);
    }
  });
  test("VAPID keys (Web Push): all three valid, or none", async () => {
    const { default: webpush } = await import("web-push");
    const keys = webpush.generateVAPIDKeys();
    const vapid = { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:team@example.org" };
    expect(parseEnv({ ...valid, ...vapid }).VAPID_PUBLIC_KEY).toBe(keys.publicKey);
    expect(parseEnv({ ...valid, VAPID_PUBLIC_KEY: "", VAPID_PRIVATE_KEY: "", VAPID_SUBJECT: "" }).VAPID_PUBLIC_KEY).toBeUndefined();
    expect(() => parseEnv({ ...valid, VAPID_PUBLIC_KEY: keys.publicKey })).toThrow(/set all three/);
    expect(() => parseEnv({ ...valid, ...vapid, VAPID_PRIVATE_KEY: "short" })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => parseEnv({ ...valid, ...vapid, VAPID_SUBJECT: "http://example.org" })).toThrow(/VAPID_SUBJECT/);
  });
});
