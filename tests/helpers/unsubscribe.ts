import type { UnsubscribePurpose } from "~/digest/unsubscribe.server";
import { must, serviceClient } from "./supabase";

/** The unsubscribe token the email job would put in an email sent at `now` to this member. */
export async function unsubscribeToken(memberId: string, purpose: UnsubscribePurpose, now = new Date()): Promise<string> {
  const rows = must(
    await serviceClient().rpc("email_unsubscribe_tokens", {
      p_requests: [{ member_id: memberId, purpose }],
      p_now: now.toISOString(),
    }),
    "email_unsubscribe_tokens",
  ) as Array<{ token: string }>;
  return rows[0].token;
}
