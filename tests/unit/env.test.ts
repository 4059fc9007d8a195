import { describe, expect, test } from "vitest";
import { parseEnv } from "~/env.server";

const valid = {
  NODE_ENV: "test",
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_ANON_KEY: "anon",
  SUPABASE_SERVICE_ROLE_KEY: "service",
  SUPABASE_JWT_SECRET: "super-secret-jwt-token-with-at-least-32-characters-long",
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
    expect(message).not.toMatch(/SUPABASE_ANON_KEY/);
  });

  test("the web server does not need the service-role key", () => {
    const rest: Record<string, string> = { ...valid };
    delete rest.SUPABASE_SERVICE_ROLE_KEY;
    expect(parseEnv(rest).SUPABASE_SERVICE_ROLE_KEY).toBeUndefined();
  });
});
