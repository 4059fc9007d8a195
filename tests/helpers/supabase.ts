// Clients and users for integration tests against the local stack (or any Supabase project named by
// SUPABASE_URL). Every user gets a client carrying their OWN access token, so that what a test sees
// is exactly what row-level security shows that person. The service role is for setup only.

import { randomUUID } from "node:crypto";
import { createClient, type PostgrestError, type SupabaseClient } from "@supabase/supabase-js";
import bcrypt from "bcryptjs";
import type { JWTPayload } from "jose";
import pg from "pg";
import WebSocket from "ws";
import { signJwt, type SigningKey } from "../../supabase/local/keys";

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through vitest (its global setup starts the stack)`);
  return value;
}

function makeClient(key: string, accessToken?: string): SupabaseClient {
  return createClient(env("SUPABASE_URL"), key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : undefined,
    // Node 20 has no global WebSocket; realtime is unused here but its client is built eagerly.
    realtime: { transport: WebSocket as never },
  });
}

/** Bypasses RLS: for arranging test data, never for asserting what a user may see. */
export function serviceClient(): SupabaseClient {
  return makeClient(env("SUPABASE_SECRET_KEY"));
}

/** Signed out: the anon key and nothing else. */
export function anonClient(): SupabaseClient {
  return makeClient(env("SUPABASE_PUBLISHABLE_KEY"));
}

/** A client that sends `accessToken` (a user's JWT) with every request. */
export function clientWithToken(accessToken: string): SupabaseClient {
  return makeClient(env("SUPABASE_PUBLISHABLE_KEY"), accessToken);
}

export const PASSWORD = "correct horse battery staple";
// Test users are created with a low-cost bcrypt hash of PASSWORD (the admin API accepts `password_hash`,
// as Supabase Auth does): signing in then takes milliseconds instead of a full-cost bcrypt round.
const PASSWORD_HASH = bcrypt.hashSync(PASSWORD, 4);

/** A unique address per call, so tests never collide with each other's users. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 12)}@example.test`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  /** Talks to the API as this user (their own JWT). */
  client: SupabaseClient;
}

/** Creates a confirmed user through the admin API, without signing in. */
export async function createAuthUser(opts: { email?: string; displayName?: string } = {}) {
  const email = opts.email ?? uniqueEmail(opts.displayName?.toLowerCase().replace(/[^a-z0-9]+/g, "-") || "user");
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    password_hash: PASSWORD_HASH,
    email_confirm: true,
    user_metadata: opts.displayName ? { display_name: opts.displayName } : undefined,
  });
  if (error || !data.user) throw new Error(`createUser(${email}): ${error?.message ?? "no user"}`);
  return { id: data.user.id, email };
}

/** Signs in with email and password (anon key) and returns a client that uses that session's token. */
export async function signIn(email: string, password = PASSWORD) {
  const { data, error } = await anonClient().auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`signIn(${email}): ${error?.message ?? "no session"}`);
  return { accessToken: data.session.access_token, client: clientWithToken(data.session.access_token) };
}

/** A confirmed user, signed in: `client` uses their own token. */
export async function createUser(opts: { email?: string; displayName?: string } = {}): Promise<TestUser> {
  const { id, email } = await createAuthUser(opts);
  const { accessToken, client } = await signIn(email);
  return { id, email, password: PASSWORD, accessToken, client };
}

/** Unwraps a supabase-js result, throwing its error (with the code) when there is one. */
export function must<T>(result: { data: T; error: PostgrestError | null }, what = "request"): NonNullable<T> {
  if (result.error) {
    throw new Error(`${what} failed: ${result.error.code} ${result.error.message} ${result.error.details ?? ""}`);
  }
  return result.data as NonNullable<T>;
}

let pool: pg.Pool | undefined;

/** Superuser SQL (DATABASE_URL) for what the API cannot show: catalogs, and pinning timestamps. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []) {
  pool ??= new pg.Pool({ connectionString: env("DATABASE_URL"), max: 4 });
  return (await pool.query<T>(text, params)).rows;
}

export async function closeSql() {
  await pool?.end();
  pool = undefined;
}

/** The local stack's signing key (ES256, or HS256 in legacy mode), as the test setup hands it on. */
export function projectSigningKey(): SigningKey {
  return JSON.parse(env("SUPABASE_LOCAL_SIGNING_KEY")) as SigningKey;
}

/** A JWT signed as the project signs them (what only the auth service and the gateway can make). */
export function projectJwt(payload: JWTPayload, opts: { expiresAt?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const exp = opts.expiresAt ?? now + 3600;
  return signJwt(projectSigningKey(), { iat: Math.min(now, exp - 60), ...payload, exp });
}
