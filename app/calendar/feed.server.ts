import { z } from "zod";
import { buildCalendarFeed, eventUid, type FeedEvent } from "~/calendar/ics";
import { CONTACT_LABELS, KIND_LABELS, type ContactPreference, type TaskKind } from "~/calendar/words";
import { getEnv } from "~/env.server";
import { createPublicClient, rpc } from "~/supabase.server";

// The private ICS feed of a member's claimed tasks. Calendar apps (Google, Apple, Outlook) fetch it
// without a session, so the request is made with the anon key only: the database function
// calendar_feed checks the secret token (only its hash is stored) and applies the consent rule with
// that member's grants. No service-role key is involved.

// What reset_calendar_feed hands out: 32 random bytes, base64url.
export const FeedTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

type FeedTask = {
  id: string;
  title: string;
  kind: TaskKind;
  location: string | null;
  notes: string | null;
  starts_at: string;
  ends_at: string | null;
  all_day: boolean;
  status: "scheduled" | "done" | "cancelled";
  contact_preference: ContactPreference | null;
  dietary_needs: string | null;
  updated_at: string;
};

export type FeedData = { circle_id: string; circle_name: string; time_zone: string; tasks: FeedTask[] };

export function feedUrl(token: string): string {
  return new URL(`/feeds/${token}.ics`, getEnv().APP_URL).toString();
}

function description(task: FeedTask, url: string): string {
  const lines = [KIND_LABELS[task.kind] ?? "Task"];
  if (task.contact_preference) {
    const pref = CONTACT_LABELS[task.contact_preference];
    lines.push(`${pref.label}: ${pref.description}`);
  }
  if (task.dietary_needs) lines.push(`Dietary needs: ${task.dietary_needs}`);
  if (task.notes) lines.push("", task.notes);
  if (task.status === "done") lines.push("", "Done. Thank you!");
  lines.push("", `Details: ${url}`);
  return lines.join("\n");
}

/** The feed as ICS text, or null when the token is unknown, reset, or its membership has ended. */
export async function loadFeed(token: string, now = new Date()): Promise<string | null> {
  const { data: feed, error } = await rpc(createPublicClient(), "calendar_feed", { token });
  if (error) {
    if (error.message === "feed_not_found") return null;
    throw new Error(`calendar_feed failed: ${error.code} ${error.message}`);
  }
  const appUrl = new URL(getEnv().APP_URL);
  const events: FeedEvent[] = feed.tasks.map((task) => {
    const startsAt = new Date(task.starts_at);
    const url = new URL(`/circles/${feed.circle_id}/tasks/${task.id}`, appUrl).toString();
    return {
      uid: eventUid(task.id, appUrl.host),
      title: task.status === "cancelled" ? `Cancelled: ${task.title}` : task.title,
      description: description(task, url),
      location: task.location ?? undefined,
      startsAt,
      endsAt: task.ends_at ? new Date(task.ends_at) : new Date(startsAt.getTime() + 3_600_000),
      allDay: task.all_day,
      status: task.status === "cancelled" ? "cancelled" : "confirmed",
      updatedAt: new Date(task.updated_at),
      url,
    };
  });
  return buildCalendarFeed({ calendarName: `${feed.circle_name}: my tasks`, timeZone: feed.time_zone, events, now });
}
