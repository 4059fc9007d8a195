import { describe, expect, test } from "vitest";
import { createAuthUser, env } from "../helpers/supabase";

// Issue 11: the gateway takes Supabase's publishable and secret API keys as Supabase's API gateway does.
// Raw HTTP, as any caller would send it.

const api = (path: string, headers: Record<string, string> = {}) => fetch(`${env("SUPABASE_URL")}${path}`, { headers });

describe("API keys at the gateway", () => {
  test("a request without an apikey is 401 with Supabase's message", async () => {
    const res = await api("/rest/v1/profiles?select=id");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "No API key found in request" });
  });

  test.each([
    ["an unknown publishable key", "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaX"],
    ["an unknown secret key", "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvX"],
    ["no key at all", "not-a-key"],
  ])("%s is 401 Invalid API key, for PostgREST and auth alike", async (_, key) => {
    for (const path of ["/rest/v1/profiles?select=id", "/auth/v1/admin/users", "/auth/v1/settings"]) {
      const res = await api(path, { apikey: key });
      expect(res.status, path).toBe(401);
      expect(await res.json()).toMatchObject({ message: "Invalid API key" });
    }
  });

  test("the secret key acts as service_role: the admin API and every row", async () => {
    const user = await createAuthUser();
    const secret = env("SUPABASE_SECRET_KEY");
    expect(secret).toMatch(/^sb_secret_/);
    const admin = await api(`/auth/v1/admin/users/${user.id}`, { apikey: secret });
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({ id: user.id });
    // supabase-js sends the key as the bearer too; the gateway swaps it for a service_role JWT.
    const rows = await api(`/rest/v1/profiles?select=id&id=eq.${user.id}`, { apikey: secret, authorization: `Bearer ${secret}` });
    expect(rows.status).toBe(200);
    expect(await rows.json()).toEqual([{ id: user.id }]);
  });

  test("the publishable key acts as anon: no admin API, no access to profiles", async () => {
    const user = await createAuthUser();
    const publishable = env("SUPABASE_PUBLISHABLE_KEY");
    expect(publishable).toMatch(/^sb_publishable_/);
    const admin = await api(`/auth/v1/admin/users/${user.id}`, { apikey: publishable });
    expect(admin.status).toBe(403);
    const rows = await api(`/rest/v1/profiles?select=id&id=eq.${user.id}`, { apikey: publishable, authorization: `Bearer ${publishable}` });
    // anon has no grant on profiles: PostgREST's answer for an unauthenticated role lacking a privilege.
    expect(rows.status).toBe(401);
    expect(await rows.json()).toMatchObject({ code: "42501" });
  });

  test("the publishable key with a user's token acts as that user, not as anon", async () => {
    const user = await createAuthUser();
    const publishable = env("SUPABASE_PUBLISHABLE_KEY");
    const signIn = await fetch(`${env("SUPABASE_URL")}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { apikey: publishable, "content-type": "application/json" },
      body: JSON.stringify({ email: user.email, password: "correct horse battery staple" }),
    });
    expect(signIn.status).toBe(200);
    const { access_token } = (await signIn.json()) as { access_token: string };
    const rows = await api(`/rest/v1/profiles?select=id&id=eq.${user.id}`, { apikey: publishable, authorization: `Bearer ${access_token}` });
    expect(await rows.json()).toEqual([{ id: user.id }]);
  });
});
