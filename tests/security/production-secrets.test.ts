import { describe, expect, test } from "vitest";
import { serverExit } from "../helpers/app-server";

// Issue 10 items 10c and 12: the production server refuses to start with a published secret or key, or
// with an http APP_URL, and says which variable is wrong. (It fails before it looks for a build.)

const own = {
  NODE_ENV: "production",
  SUPABASE_URL: "https://abcdefghijklmnop.supabase.co",
  SUPABASE_PUBLISHABLE_KEY: "sb_publishable_this-deployment-s-own-key",
  SESSION_SECRET: "this-deployment-s-own-session-secret-0123456789",
  APP_URL: "https://circle.example",
  SUPABASE_SECRET_KEY: "",
};

describe("the production server", () => {
  test.each([
    ["SESSION_SECRET", "local-dev-session-secret-not-for-production-use"],
    ["SUPABASE_SECRET_KEY", "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz"],
    ["SUPABASE_PUBLISHABLE_KEY", "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH"],
  ])("exits non-zero when %s is a published example value, naming it", async (name, value) => {
    const { code, output } = await serverExit({ ...own, [name]: value });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain(`${name}: is a published example value`);
    expect(output).not.toContain("listening");
  });

  test("exits non-zero with an http APP_URL, naming it", async () => {
    const { code, output } = await serverExit({ ...own, APP_URL: "http://circle.example" });
    expect(code).toBe(1);
    expect(output).toContain("APP_URL: must be an https address");
  });
});
