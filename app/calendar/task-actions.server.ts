import type { Supabase } from "~/supabase.server";
import { z } from "zod";
import { callCalendarRpc, type CalendarFailure } from "~/calendar/tasks.server";

// The everyday actions on one task, shared by the list and the task page: each is one RPC, atomic
// in the database, whose refusal comes back as words for the page ("Sam just took the last spot").

export const TaskIntentSchema = z.object({
  intent: z.enum(["claim", "release", "complete"]),
  taskId: z.string().uuid(),
});

export type TaskIntent = z.infer<typeof TaskIntentSchema> & { thankYou?: string | null };

const NOTICES: Record<string, (title: string) => string> = {
  claimed: (title) => `Thank you! “${title}” is yours. It is in your calendar feed too, if you have one.`,
  released: (title) => `You gave up your spot on “${title}”. It is open for someone else now.`,
  completed: (title) => `“${title}” is marked done. Thank you!`,
  thanked: (title) => `Your thank-you note for “${title}” is saved. The helpers can read it.`,
  cancelled: (title) => `“${title}” is cancelled. Anyone who had claimed it gets an email and will see it marked as cancelled.`,
  created: (title) => `“${title}” is on the calendar.`,
  updated: (title) => `“${title}” is updated.`,
  "series-updated": () => "The series is updated from this date on.",
};

/**
 * After a series edit or cancel: the occurrences the caller may not see or change (the person moved them
 * to another category or audience) were left as they are, and the caller is told how many.
 */
export function skippedText(skipped: number): string {
  if (!Number.isInteger(skipped) || skipped <= 0) return "";
  return skipped === 1
    ? "One occurrence you can't see was left unchanged."
    : `${skipped} occurrences you can't see were left unchanged.`;
}

/** The line shown after a successful action (the notice key travels in the URL after a redirect). */
export function noticeText(key: string, title = "The task"): string | null {
  return NOTICES[key]?.(title) ?? null;
}

export async function runTaskIntent(
  supabase: Supabase,
  intent: TaskIntent,
): Promise<{ ok: true; notice: string } | { ok: false; failure: CalendarFailure }> {
  switch (intent.intent) {
    case "claim": {
      const result = await callCalendarRpc(supabase, "claim_task", { task_id: intent.taskId });
      return result.ok ? { ok: true, notice: "claimed" } : result;
    }
    case "release": {
      const result = await callCalendarRpc(supabase, "release_task", { task_id: intent.taskId });
      return result.ok ? { ok: true, notice: "released" } : result;
    }
    case "complete": {
      const result = await callCalendarRpc(supabase, "complete_task", {
        task_id: intent.taskId,
        thank_you_note: intent.thankYou ?? null,
      });
      return result.ok ? { ok: true, notice: intent.thankYou ? "thanked" : "completed" } : result;
    }
  }
}
