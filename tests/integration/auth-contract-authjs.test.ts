import { randomUUID } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { describe, expect, it } from "vitest";

// Gaps the auth-js fidelity harness (tests/auth-js) found in what the app uses, each checked here with
// supabase-js through the local stack's gateway, as in auth-contract.test.ts.

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through vitest's global setup`);
  return value;
};

function client(key = env("SUPABASE_PUBLISHABLE_KEY")): SupabaseClient {
  return createClient(env("SUPABASE_URL"), key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
}
const admin = () => client(env("SUPABASE_SECRET_KEY")).auth.admin;
const newEmail = (label = "user") => `${label}-${randomUUID()}@example.test`;
const PASSWORD = "correct horse battery";

async function confirmedUser() {
  const email = newEmail();
  const { data, error } = await admin().createUser({ email, password: PASSWORD, email_confirm: true });
  if (error) throw error;
  return { email, id: data.user!.id };
}

describe("auth contract (auth-js harness): admin generateLink for an email change", () => {
  it("makes the email_change_current and email_change_new links; both opened, the address changes", async () => {
    const { email, id } = await confirmedUser();
    const to = newEmail("new");

    const current = await admin().generateLink({ type: "email_change_current", email, newEmail: to });
    expect(current.error).toBeNull();
    expect(current.data.user).toMatchObject({ id, email, new_email: to });
    expect(current.data.properties).toMatchObject({
      verification_type: "email_change_current",
      email_otp: expect.stringMatching(/^\d{6}$/),
    });
    const currentLink = new URL(current.data.properties!.action_link);
    expect(currentLink.pathname).toBe("/auth/v1/verify");
    expect(currentLink.searchParams.get("type")).toBe("email_change");

    const next = await admin().generateLink({ type: "email_change_new", email, newEmail: to });
    expect(next.error).toBeNull();
    expect(next.data.properties?.verification_type).toBe("email_change_new");
    const newLink = new URL(next.data.properties!.action_link);

    // double_confirm_changes (config.toml): the first link opened only records that address.
    const first = await client().auth.verifyOtp({ token_hash: currentLink.searchParams.get("token")!, type: "email_change" });
    expect(first.error).toBeNull();
    expect(first.data.session).toBeNull();
    const second = await client().auth.verifyOtp({ token_hash: newLink.searchParams.get("token")!, type: "email_change" });
    expect(second.error).toBeNull();
    expect(second.data.user?.email).toBe(to);
    expect((await admin().getUserById(id)).data.user?.email).toBe(to);
  });

  it("refuses an address another user has, and an unknown user", async () => {
    const { email } = await confirmedUser();
    const other = await confirmedUser();
    const taken = await admin().generateLink({ type: "email_change_new", email, newEmail: other.email });
    expect(taken.error).toMatchObject({ status: 422, code: "email_exists" });

    const unknown = await admin().generateLink({ type: "email_change_new", email: newEmail(), newEmail: newEmail() });
    expect(unknown.error).toMatchObject({ status: 404, code: "user_not_found" });
  });
});
