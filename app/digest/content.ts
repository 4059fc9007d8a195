import { z } from "zod";
import { CONTACT_PREFERENCES } from "~/calendar/words";
import { CATEGORIES } from "~/consent";
import { DIGEST_FREQUENCIES } from "~/digest/schedule";

// What the email job's database functions return (supabase/migrations/20261127003100_digest_job.sql),
// validated as any external payload. The consent rule has already been applied there: everything here
// may be shown to its recipient.

const timestamp = z.string().min(1);
const uuid = z.string().uuid();

export const EmailTaskSchema = z.object({
  id: uuid,
  title: z.string(),
  kind: z.string(),
  category: z.enum(CATEGORIES),
  starts_at: timestamp,
  ends_at: timestamp.nullable(),
  all_day: z.boolean(),
  slots: z.number().int(),
  location: z.string().nullable(),
  contact_preference: z.enum(CONTACT_PREFERENCES).nullable(),
});
export type EmailTask = z.infer<typeof EmailTaskSchema>;

export const DigestUpdateSchema = z.object({
  id: uuid,
  category: z.enum(CATEGORIES),
  published_at: timestamp,
  author: z.string(),
  /** Null for health and wellbeing (never in an email), and for every update when "titles only". */
  body: z.string().nullable(),
  /** When updates have a title (the updates issue may add one); never for health and wellbeing. */
  title: z.string().nullable().optional(),
});
export type DigestUpdate = z.infer<typeof DigestUpdateSchema>;

const Recipient = {
  member_id: uuid,
  circle_id: uuid,
  email: z.string(),
  name: z.string(),
  circle_name: z.string(),
  time_zone: z.string(),
};

export const DigestContentSchema = z.object({
  ...Recipient,
  user_id: uuid,
  role: z.enum(["owner", "coordinator", "supporter"]),
  period: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  frequency: z.enum(DIGEST_FREQUENCIES),
  since: timestamp,
  update_text: z.enum(["titles", "full"]),
  open_tasks: z.array(EmailTaskSchema.extend({ claimed: z.number().int() })),
  open_count: z.number().int(),
  my_tasks: z.array(EmailTaskSchema),
  updates: z.array(DigestUpdateSchema),
  update_count: z.number().int(),
});
export type DigestContent = z.infer<typeof DigestContentSchema>;

/**
 * A page of digests as email_job_digests returns it: each task and update once, and for each member
 * the ids the consent rule lets them see (see digestsOfPage).
 */
export const DigestPageSchema = z.object({
  members: z.array(
    DigestContentSchema.omit({ open_tasks: true, my_tasks: true, updates: true }).extend({
      open_ids: z.array(uuid),
      my_ids: z.array(uuid),
      update_ids: z.array(uuid),
    }),
  ),
  tasks: z.record(EmailTaskSchema.extend({ claimed: z.number().int() })),
  updates: z.record(DigestUpdateSchema),
});
export type DigestPage = z.infer<typeof DigestPageSchema>;

/** Each member's digest content, from a page. */
export function digestsOfPage(page: DigestPage): DigestContent[] {
  const task = (id: string) => {
    const found = page.tasks[id];
    if (!found) throw new Error(`email_job_digests left out task ${id}`);
    return found;
  };
  const update = (id: string) => {
    const found = page.updates[id];
    if (!found) throw new Error(`email_job_digests left out update ${id}`);
    return found;
  };
  return page.members.map(({ open_ids, my_ids, update_ids, ...member }) => ({
    ...member,
    open_tasks: open_ids.map(task),
    my_tasks: my_ids.map(task),
    updates: update_ids.map(update),
  }));
}

export const ReminderContentSchema = z.object({
  ...Recipient,
  claim_id: uuid,
  person_name: z.string(),
  task: EmailTaskSchema,
  co_helpers: z.array(z.string()),
});
export type ReminderContent = z.infer<typeof ReminderContentSchema>;

export const NoticeEventSchema = z.object({
  event_id: z.number().int(),
  /** Claimed, released: told to the person and coordinators. Cancelled, rescheduled: told to the helper. */
  kind: z.enum(["claimed", "released", "cancelled", "rescheduled"]),
  circle_id: uuid,
  circle_name: z.string(),
  time_zone: z.string(),
  helper_name: z.string(),
  task: EmailTaskSchema,
  /** Cancelled only: the note for the helpers, if any. */
  cancel_note: z.string().nullable(),
  /** Rescheduled only: the time the helper had been told before. */
  previous_time: EmailTaskSchema.pick({ starts_at: true, ends_at: true, all_day: true }).nullable(),
  recipients: z.array(z.object({ member_id: uuid, user_id: uuid, email: z.string(), name: z.string() })),
});
export type NoticeEvent = z.infer<typeof NoticeEventSchema>;

/** True when a digest has something to say: otherwise it is not sent. */
export function digestHasNews(content: Pick<DigestContent, "open_tasks" | "my_tasks" | "updates">): boolean {
  return content.open_tasks.length > 0 || content.my_tasks.length > 0 || content.updates.length > 0;
}
