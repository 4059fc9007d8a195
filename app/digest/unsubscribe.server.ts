import { z } from "zod";
import { createPublicClient, unwrap, type Supabase } from "~/supabase.server";

// One-click unsubscribe (RFC 8058). The link in an email's List-Unsubscribe header carries a token that
// the database made and checks (migration 20261204020000_unsubscribe_capability.sql): it stops one kind
// of email (the digest, or one of the two notices) for one member of one circle, for 90 days after the
// email was sent, and nothing else. The app never reads the token's key and never acts as the member:
// the signed-out route calls unsubscribe_peek / unsubscribe_apply with the public key only, and the
// email job asks email_unsubscribe_tokens (service role only) for the tokens of the emails it sends.

export const UNSUBSCRIBE_PURPOSES = ["digest", "claimed", "released"] as const;
export type UnsubscribePurpose = (typeof UNSUBSCRIBE_PURPOSES)[number];

export type UnsubscribeRequest = { memberId: string; purpose: UnsubscribePurpose };

const tokenKey = (memberId: string, purpose: UnsubscribePurpose) => `${memberId}/${purpose}`;

/**
 * The tokens for these emails, issued at `now` (the job's clock): a lookup by member and purpose. One
 * call per page of emails. `db` is the job's service-role client.
 */
export async function unsubscribeTokens(db: Supabase, requests: UnsubscribeRequest[], now: Date) {
  const tokens = new Map<string, string>();
  if (requests.length > 0) {
    const rows = z.array(z.object({ member_id: z.string(), purpose: z.enum(UNSUBSCRIBE_PURPOSES), token: z.string() })).parse(
      unwrap(
        await db.rpc("email_unsubscribe_tokens", {
          p_requests: requests.map((r) => ({ member_id: r.memberId, purpose: r.purpose })),
          p_now: now.toISOString(),
        }),
      ),
    );
    for (const row of rows) tokens.set(tokenKey(row.member_id, row.purpose), row.token);
  }
  return (memberId: string, purpose: UnsubscribePurpose): string => {
    const token = tokens.get(tokenKey(memberId, purpose));
    if (!token) throw new Error(`No unsubscribe token was issued for ${purpose} of member ${memberId}`);
    return token;
  };
}

export const UnsubscribeStateSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("invalid") }),
  z.object({ status: z.literal("expired"), circle_id: z.string() }),
  z.object({ status: z.literal("not_member") }),
  z.object({
    status: z.literal("ok"),
    purpose: z.enum(UNSUBSCRIBE_PURPOSES),
    circle_id: z.string(),
    circle_name: z.string(),
    on: z.boolean(),
  }),
]);
export type UnsubscribeState = z.infer<typeof UnsubscribeStateSchema>;

async function call(fn: "unsubscribe_peek" | "unsubscribe_apply", token: string): Promise<UnsubscribeState> {
  // Anything that is not even shaped like a token is not worth a round trip.
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(token)) return { status: "invalid" };
  return UnsubscribeStateSchema.parse(unwrap(await createPublicClient().rpc(fn, { p_token: token })));
}

/** What the token would stop, and whether it is on now; changes nothing. */
export const peekUnsubscribe = (token: string) => call("unsubscribe_peek", token);

/** Stops the one email the token names. */
export const applyUnsubscribe = (token: string) => call("unsubscribe_apply", token);
