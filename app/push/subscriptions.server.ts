import { z } from "zod";
import type { Tables } from "~/database.types";
import { getEnv } from "~/env.server";
import { unwrap, type Supabase } from "~/supabase.server";

// A member's devices for push notifications in one circle, read and written with their own token (RLS:
// their own rows only). The browser's PushSubscription is the same for every circle on that device, so
// turning one circle off removes only that circle's row.

const base64url = (min: number, max: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`), "Not a push subscription");

export const PushOnSchema = z.object({
  intent: z.literal("push-on"),
  endpoint: z.string().url().max(2048).startsWith("https://", "Not a push subscription"),
  p256dh: base64url(80, 100),
  auth: base64url(16, 32),
  label: z.string().trim().min(1).max(60).catch("This device"),
});
export const PushOffSchema = z.object({
  intent: z.literal("push-off"),
  id: z.string().uuid("Choose a device").optional(),
  endpoint: z.string().max(2048).optional(),
});

export type Device = Pick<Tables<"push_subscriptions">, "id" | "device_label" | "endpoint" | "created_at">;

/** The VAPID public key the browser subscribes with, or null when push is not set up. */
export function pushPublicKey(): string | null {
  return getEnv().VAPID_PUBLIC_KEY ?? null;
}

export async function listDevices(supabase: Supabase, memberId: string): Promise<Device[]> {
  return unwrap(
    await supabase.from("push_subscriptions").select("id, device_label, endpoint, created_at").eq("member_id", memberId).order("created_at"),
  );
}

export async function addDevice(supabase: Supabase, memberId: string, circleId: string, form: z.infer<typeof PushOnSchema>) {
  const existing = unwrap(
    await supabase.from("push_subscriptions").select("id").eq("member_id", memberId).eq("endpoint", form.endpoint).maybeSingle(),
  ) as { id: string } | null;
  if (existing) {
    unwrap(await supabase.from("push_subscriptions").update({ p256dh: form.p256dh, auth: form.auth, device_label: form.label }).eq("id", existing.id));
    return;
  }
  unwrap(
    await supabase.from("push_subscriptions").insert({
      member_id: memberId,
      circle_id: circleId,
      endpoint: form.endpoint,
      p256dh: form.p256dh,
      auth: form.auth,
      device_label: form.label,
    }),
  );
}

export async function removeDevice(supabase: Supabase, memberId: string, form: z.infer<typeof PushOffSchema>) {
  let query = supabase.from("push_subscriptions").delete().eq("member_id", memberId);
  if (form.id) query = query.eq("id", form.id);
  else if (form.endpoint) query = query.eq("endpoint", form.endpoint);
  else return;
  unwrap(await query);
}
