import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { dataFolderSigningKey, LOCAL_ANON_KEY, LOCAL_JWT_SECRET } from "../../supabase/local/keys";
import { anonClient, createAuthUser, env } from "../helpers/supabase";

// Issue 11: the gateway takes Supabase's publishable and secret API keys as Supabase's API gateway does,
// and access tokens are signed with an asymmetric key published as a JWKS, as on today's Supabase.
// Raw HTTP, as any caller would send it. (Default mode only: .ci/run's legacy run leaves this file out.)

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

describe("asymmetric signing keys", () => {
  const jwksUrl = () => `${env("SUPABASE_URL")}/auth/v1/.well-known/jwks.json`;

  async function signedInUser() {
    const user = await createAuthUser();
    const { data, error } = await anonClient().auth.signInWithPassword({ email: user.email, password: "correct horse battery staple" });
    if (error || !data.session) throw error ?? new Error("no session");
    return { ...user, accessToken: data.session.access_token };
  }

  test("the JWKS is public and holds only the public key, with kid, alg and use", async () => {
    const res = await fetch(jwksUrl()); // no apikey: as on Supabase, anyone may read it
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty("d");
  });

  test("a sign-in through supabase-js yields an ES256 token with kid that verifies against the served JWKS", async () => {
    const { id, accessToken } = await signedInUser();
    const header = decodeProtectedHeader(accessToken);
    expect(header).toMatchObject({ alg: "ES256", typ: "JWT", kid: expect.any(String) });
    const jwks = createLocalJWKSet((await (await fetch(jwksUrl())).json()) as never);
    const { payload } = await jwtVerify(accessToken, jwks, { algorithms: ["ES256"], audience: "authenticated" });
    expect(payload).toMatchObject({ sub: id, role: "authenticated", session_id: expect.any(String) });
  });

  test("PostgREST accepts that token and refuses the same claims signed HS256 with the old JWT secret", async () => {
    const { id, accessToken } = await signedInUser();
    const rows = (bearer: string) =>
      api(`/rest/v1/profiles?select=id&id=eq.${id}`, { apikey: env("SUPABASE_PUBLISHABLE_KEY"), authorization: `Bearer ${bearer}` });
    const accepted = await rows(accessToken);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual([{ id }]);

    const legacy = await new SignJWT(decodeJwt(accessToken))
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
    const refused = await rows(legacy);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: "PGRST301" });
    // The auth service does not take it either.
    const user = await anonClient().auth.getUser(legacy);
    expect(user.error).toMatchObject({ status: 403, code: "bad_jwt" });
  });

  test("the legacy JWT anon key is no API key on a project with signing keys", async () => {
    const res = await api("/rest/v1/profiles?select=id", { apikey: LOCAL_ANON_KEY });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: "Invalid API key" });
  });

  test("the key is made once per data folder and kept there, readable by its owner only", async () => {
    const [one, other] = await Promise.all([mkdtemp(path.join(os.tmpdir(), "keys-")), mkdtemp(path.join(os.tmpdir(), "keys-"))]);
    try {
      const first = await dataFolderSigningKey(one);
      expect(first.alg).toBe("ES256");
      expect(await dataFolderSigningKey(one)).toEqual(first);
      expect(await dataFolderSigningKey(other)).not.toEqual(first);
      const file = path.join(one, "supabase-signing-keys.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file, "utf8"))).toEqual([expect.objectContaining({ kty: "EC", alg: "ES256", d: expect.any(String) })]);
    } finally {
      await Promise.all([rm(one, { recursive: true }), rm(other, { recursive: true })]);
    }
  });
});
