import type { PostgrestError } from "@supabase/supabase-js";
import {
  listGrants,
  listMembers,
  memberTitle,
  rpcFailure,
  type CircleAccess,
  type Member,
  type RpcFailure,
} from "~/circles.server";
import { CATEGORIES, type Category } from "~/consent";
import type { Tables } from "~/database.types";
import { sendEmail } from "~/email.server";
import { formatMoment } from "~/format";
import { rpc, unwrap, type Supabase } from "~/supabase.server";
import { renderReachOutEmail, renderReviewNoticeEmail } from "~/updates-email.server";
import {
  FEED_PAGE_SIZE,
  FORMER_MEMBER,
  PLAN_SECTIONS,
  type CheckInColour,
  type Mood,
} from "~/updates";

// Updates, support, notes, check-ins and the support plan, read and written with the signed-in
// user's own client: row-level security decides what comes back (the consent rule), the triggers and
// RPCs of 20261127002000_updates.sql decide what may change. Nothing here uses the service role.

export type UpdateStatus = "draft" | "pending" | "published" | "declined";

const UPDATE_COLUMNS =
  "id, circle_id, author_id, category, body, status, audience, mood, check_in, published_at, created_at, edited_at, reviewed_at, review_note";

export type UpdateRow = Pick<
  Tables<"updates">,
  "id" | "circle_id" | "author_id" | "category" | "body" | "status" | "audience" | "check_in" | "published_at" | "created_at" | "edited_at" | "reviewed_at" | "review_note"
> & { mood: Mood | null };

// ---------------------------------------------------------------------------------------------------
// Errors in plain words (the RPCs and triggers raise a stable key as the message)
// ---------------------------------------------------------------------------------------------------

const MESSAGES: Record<string, { message: string; status: number; field?: string }> = {
  update_empty: { message: "Write something to share", status: 400, field: "body" },
  update_too_long: { message: "Keep an update to 10,000 characters or fewer", status: 400, field: "body" },
  invalid_mood: { message: "Mood is a number from 1 to 5", status: 400, field: "mood" },
  mood_needs_wellbeing: { message: "A mood can only go with a wellbeing update", status: 400, field: "mood" },
  check_in_needs_wellbeing: { message: "A check-in is always a wellbeing update", status: 400, field: "category" },
  invalid_audience: { message: "Choose people from this circle's list", status: 400, field: "audience" },
  update_not_found: { message: "We couldn't find that update. It may have been deleted.", status: 404 },
  update_already_reviewed: { message: "This draft has already been approved or declined.", status: 409 },
  update_already_published: { message: "This update is already published.", status: 409 },
  review_note_too_long: { message: "Keep the note to 500 characters or fewer", status: 400, field: "note" },
  invalid_review: { message: "Choose to approve or decline.", status: 400 },
  cannot_support_own_update: { message: "This is your own update.", status: 400 },
  note_empty: { message: "Write a few words first", status: 400, field: "body" },
  note_too_long: { message: "Keep a note to 2,000 characters or fewer", status: 400, field: "body" },
  invalid_check_in: { message: "Choose green, yellow or red", status: 400, field: "colour" },
  check_in_note_too_long: { message: "Keep the line to 500 characters or fewer", status: 400, field: "note" },
  invalid_reach_out: {
    message: "You can only ask people who see your wellbeing updates to reach out",
    status: 400,
    field: "reachOut",
  },
  plan_section_empty: { message: "Write something in this section, or delete it", status: 400, field: "body" },
  plan_section_too_long: { message: "Keep a section to 5,000 characters or fewer", status: 400, field: "body" },
  circle_name_mismatch: { message: "Type the name of the circle exactly as it is written", status: 400, field: "confirm" },
  account_email_mismatch: { message: "Type your email address exactly as you sign in with it", status: 400, field: "confirm" },
};

export type Failure = RpcFailure & { field?: string };

/** A refusal we know, in words and with its status (and the form field it is about); else null. */
export function failureOf(error: Pick<PostgrestError, "message" | "code">): Failure | null {
  const mine = MESSAGES[error.message];
  if (mine) return { key: error.message, message: mine.message, status: mine.status, field: mine.field };
  // A write that row-level security refused (e.g. a note about an update no longer shared).
  if (error.code === "42501" && /row-level security/i.test(error.message)) {
    return { key: "not_allowed", message: "That isn't possible here any more. Reload the page and try again.", status: 403 };
  }
  return rpcFailure(error);
}

export class UnexpectedError extends Error {
  constructor(what: string, error: PostgrestError) {
    super(`${what} failed: ${error.code} ${error.message} ${error.details ?? ""}`);
    this.name = "UnexpectedError";
  }
}

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: Failure };

/** A write's result: known refusals as `{ ok: false }` for the form, anything else thrown. */
export function outcome<R extends { data: unknown; error: null } | { data: unknown; error: PostgrestError }>(
  what: string,
  result: R,
): Outcome<Extract<R, { error: null }>["data"]> {
  if (!result.error) return { ok: true, data: result.data };
  const failure = failureOf(result.error);
  if (!failure) throw new UnexpectedError(what, result.error);
  return { ok: false, failure };
}

/** zod's flatten() shape for one failure, so that pages show it beside its field (or on top). */
export function failureErrors(failure: Failure) {
  return failure.field
    ? { formErrors: [] as string[], fieldErrors: { [failure.field]: [failure.message] } as Record<string, string[]> }
    : { formErrors: [failure.message], fieldErrors: {} as Record<string, string[]> };
}

// ---------------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------------

export type People = {
  members: Member[];
  /** "Ana (Mom)", or "Former member" for an account that no longer exists. */
  byMemberId: Map<string, string>;
  byUserId: Map<string, string>;
};

export async function loadPeople(supabase: Supabase, circleId: string): Promise<People> {
  const members = await listMembers(supabase, circleId);
  const byMemberId = new Map<string, string>();
  const byUserId = new Map<string, string>();
  for (const member of members) {
    const title = member.user_id ? memberTitle(member) : FORMER_MEMBER;
    byMemberId.set(member.id, title);
    if (member.user_id) byUserId.set(member.user_id, title);
  }
  return { members, byMemberId, byUserId };
}

/**
 * Active members other than the person, with the categories they hold (the owner reads every grant;
 * a coordinator only their own, so for them this lists people without categories).
 */
export async function audienceChoices(supabase: Supabase, circleId: string, people: People) {
  const grants = await listGrants(supabase, circleId);
  return people.members
    .filter((m) => m.status === "active" && m.role !== "owner" && m.user_id)
    .map((m) => ({ id: m.id, title: people.byMemberId.get(m.id) ?? FORMER_MEMBER, categories: grants.get(m.id) ?? [] }));
}

export type AudienceChoice = Awaited<ReturnType<typeof audienceChoices>>[number];

/** What the reader may write updates in: every category for the person, their own for a coordinator. */
export async function writableCategories(access: CircleAccess): Promise<Category[]> {
  if (access.isOwner) return [...CATEGORIES];
  if (access.me.role !== "coordinator") return [];
  const grants = await listGrants(access.supabase, access.circle.id);
  return grants.get(access.me.id) ?? [];
}

// ---------------------------------------------------------------------------------------------------
// Feed
// ---------------------------------------------------------------------------------------------------

export type FeedCursor = { at: string; id: string };

export type FeedItem = {
  id: string;
  authorName: string;
  category: Category;
  body: string;
  mood: Mood | null;
  checkIn: CheckInColour | null;
  published: string;
  publishedIso: string;
  edited: boolean;
  /** For the person: who sees it ("everyone holding wellbeing", or these people). */
  audienceNames: string[] | null;
  hasAudience: boolean;
  draftedBy: string | null;
  supporters: number;
  supportedByMe: boolean;
  /** For the person only: who sent support. */
  supporterNames: string[];
  /** A check-in's reach-out requests: for the person, whom they asked; for a member, whether it was them. */
  askedNames: string[];
  askedMe: boolean;
};

const quote = (value: string) => `"${value.replace(/"/g, "")}"`;

/**
 * One page of the feed: the published updates the reader may see (RLS), newest first, with support
 * counts. Keyset paging on (published_at, id), so a new update never shifts the next page.
 */
export async function loadFeed(
  supabase: Supabase,
  options: { circleId: string; timeZone: string; isOwner: boolean; people: People; before: FeedCursor | null },
): Promise<{ items: FeedItem[]; next: FeedCursor | null }> {
  let query = supabase
    .from("updates")
    .select(UPDATE_COLUMNS)
    .eq("circle_id", options.circleId)
    .eq("status", "published")
    .order("published_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(FEED_PAGE_SIZE + 1);
  if (options.before) {
    const at = quote(options.before.at);
    query = query.or(`published_at.lt.${at},and(published_at.eq.${at},id.lt.${options.before.id})`);
  }
  const rows = unwrap(await query);
  const page = rows.slice(0, FEED_PAGE_SIZE);
  const last = page[page.length - 1];
  const next = rows.length > FEED_PAGE_SIZE && last?.published_at ? { at: last.published_at, id: last.id } : null;
  const items = await toFeedItems(supabase, page, options);
  return { items, next };
}

/** The newest few updates the reader may see, for the circle's home page. */
export async function latestUpdates(
  supabase: Supabase,
  options: { circleId: string; timeZone: string; isOwner: boolean; people: People; limit?: number },
): Promise<FeedItem[]> {
  const rows = unwrap(
    await supabase
      .from("updates")
      .select(UPDATE_COLUMNS)
      .eq("circle_id", options.circleId)
      .eq("status", "published")
      .order("published_at", { ascending: false })
      .order("id", { ascending: false })
      .limit(options.limit ?? 3),
  );
  return toFeedItems(supabase, rows, options);
}

async function toFeedItems(
  supabase: Supabase,
  rows: UpdateRow[],
  options: { timeZone: string; isOwner: boolean; people: People },
): Promise<FeedItem[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [summary, supporters, asked] = await Promise.all([
    supportSummary(supabase, ids),
    options.isOwner ? supportersOf(supabase, ids) : Promise.resolve(new Map<string, string[]>()),
    reachOutsOf(supabase, rows.filter((r) => r.check_in).map((r) => r.id)),
  ]);
  // Every published update speaks for the person; a coordinator's approved draft also names its writer.
  const owner = options.people.members.find((m) => m.role === "owner");
  const ownerName = owner ? options.people.byMemberId.get(owner.id) : undefined;
  return rows.map((row) => {
    const published = row.published_at ?? row.created_at;
    const writer = (row.author_id && options.people.byUserId.get(row.author_id)) || FORMER_MEMBER;
    const byOwner = Boolean(owner && row.author_id === owner.user_id);
    const draftedBy = byOwner ? null : writer;
    return {
      id: row.id,
      authorName: byOwner ? writer : (ownerName ?? writer),
      category: row.category,
      body: row.body,
      mood: row.mood,
      checkIn: row.check_in,
      published: formatMoment(published, options.timeZone),
      publishedIso: published,
      edited: row.edited_at !== null,
      audienceNames:
        options.isOwner && row.audience
          ? row.audience.map((id) => options.people.byMemberId.get(id) ?? FORMER_MEMBER)
          : null,
      hasAudience: row.audience !== null,
      draftedBy,
      supporters: summary.get(row.id)?.supporters ?? 0,
      supportedByMe: summary.get(row.id)?.supportedByMe ?? false,
      supporterNames: (supporters.get(row.id) ?? []).map((id) => options.people.byMemberId.get(id) ?? FORMER_MEMBER),
      askedNames: options.isOwner
        ? (asked.get(row.id) ?? []).map((id) => options.people.byMemberId.get(id) ?? FORMER_MEMBER)
        : [],
      // RLS shows a member only the requests made to them.
      askedMe: !options.isOwner && (asked.get(row.id)?.length ?? 0) > 0,
    };
  });
}

async function supportSummary(supabase: Supabase, ids: string[]) {
  const rows = unwrap(await supabase.rpc("update_support_summary", { update_ids: ids }));
  return new Map(rows.map((r) => [r.update_id, { supporters: r.supporters, supportedByMe: r.supported_by_me }]));
}

/** Member ids asked to reach out, by check-in: all of them for the person, oneself for a member (RLS). */
async function reachOutsOf(supabase: Supabase, ids: string[]) {
  const byUpdate = new Map<string, string[]>();
  if (ids.length === 0) return byUpdate;
  const rows = unwrap(
    await supabase.from("reach_out_requests").select("update_id, member_id").in("update_id", ids),
  );
  for (const row of rows) byUpdate.set(row.update_id, [...(byUpdate.get(row.update_id) ?? []), row.member_id]);
  return byUpdate;
}

/** Member ids who sent support, by update: the person reads them (RLS gives others their own only). */
async function supportersOf(supabase: Supabase, ids: string[]) {
  const rows = unwrap(
    await supabase.from("update_reactions").select("update_id, member_id").in("update_id", ids).order("created_at"),
  );
  const byUpdate = new Map<string, string[]>();
  for (const row of rows) byUpdate.set(row.update_id, [...(byUpdate.get(row.update_id) ?? []), row.member_id]);
  return byUpdate;
}

// ---------------------------------------------------------------------------------------------------
// Single updates and drafts
// ---------------------------------------------------------------------------------------------------

/** An update of this circle the reader may see, or null (RLS: not found and not allowed look the same). */
export async function getUpdate(supabase: Supabase, circleId: string, updateId: string): Promise<UpdateRow | null> {
  return unwrap(
    await supabase.from("updates").select(UPDATE_COLUMNS).eq("circle_id", circleId).eq("id", updateId).maybeSingle(),
  );
}

/**
 * Drafts awaiting the person (for the person), or the reader's own drafts in every state (for a
 * coordinator: RLS shows an author only their own unpublished updates).
 */
export async function listDrafts(supabase: Supabase, circleId: string, options: { isOwner: boolean }) {
  const statuses: UpdateStatus[] = options.isOwner ? ["draft", "pending"] : ["draft", "pending", "declined"];
  return unwrap(
    await supabase
      .from("updates")
      .select(UPDATE_COLUMNS)
      .eq("circle_id", circleId)
      .in("status", statuses)
      .order("created_at", { ascending: false })
      .limit(100),
  );
}

/** How many drafts wait for the person: for a badge on the feed and the home page. */
export async function countPendingDrafts(supabase: Supabase, circleId: string): Promise<number> {
  const { count, error } = await supabase
    .from("updates")
    .select("id", { count: "exact", head: true })
    .eq("circle_id", circleId)
    .in("status", ["draft", "pending"]);
  if (error) throw new UnexpectedError("count drafts", error);
  return count ?? 0;
}

export type ReviewResult = {
  update_id: string;
  status: UpdateStatus;
  circle_name: string;
  author_email: string | null;
  author_name: string | null;
};

/**
 * The person approves or declines a draft; the author gets a notice by email (and, in the app, the
 * audited decision among the changes about them). A failed email does not undo the decision.
 */
export async function reviewDraft(
  supabase: Supabase,
  input: { circleId: string; updateId: string; approve: boolean; note: string | null; personName: string },
): Promise<Outcome<ReviewResult & { emailed: boolean }>> {
  const result = outcome(
    "review_update",
    await rpc(supabase, "review_update", { update_id: input.updateId, approve: input.approve, note: input.note }),
  );
  if (!result.ok) return result;
  const review = result.data;
  let emailed = false;
  if (review.author_email) {
    try {
      await sendEmail(
        renderReviewNoticeEmail({
          to: review.author_email,
          authorName: review.author_name ?? "there",
          personName: input.personName,
          circleName: review.circle_name,
          circleId: input.circleId,
          updateId: review.update_id,
          approved: input.approve,
          hasNote: Boolean(input.note),
        }),
      );
      emailed = true;
    } catch (error) {
      console.error("review notice email failed", error);
    }
  }
  return { ok: true, data: { ...review, emailed } };
}

// ---------------------------------------------------------------------------------------------------
// Check-in
// ---------------------------------------------------------------------------------------------------

/** Members the person may ask to reach out: active, holding wellbeing (they will see the check-in). */
export async function reachOutChoices(supabase: Supabase, circleId: string, people?: People) {
  const loaded = people ?? (await loadPeople(supabase, circleId));
  const choices = await audienceChoices(supabase, circleId, loaded);
  return choices.filter((c) => c.categories.includes("wellbeing")).map(({ id, title }) => ({ id, title }));
}

export type ReachOutChoice = Awaited<ReturnType<typeof reachOutChoices>>[number];

export type CheckInResult = {
  update_id: string;
  recipients: Array<{ member_id: string; email: string; name: string; label: string | null }>;
};

/**
 * Shares a check-in and emails each member asked to reach out, at once. The check-in and the requests
 * are saved together (one RPC); an email that fails is reported by name, the check-in stays shared.
 */
export async function shareCheckIn(
  supabase: Supabase,
  input: {
    circleId: string;
    circleName: string;
    personName: string;
    colour: CheckInColour;
    note: string;
    reachOut: string[];
    onlyReachOut: boolean;
  },
): Promise<Outcome<{ updateId: string; asked: string[]; notEmailed: string[] }>> {
  const result = outcome(
    "share_check_in",
    await rpc(supabase, "share_check_in", {
      circle_id: input.circleId,
      colour: input.colour,
      note: input.note,
      reach_out: input.reachOut,
      only_reach_out: input.onlyReachOut,
    }),
  );
  if (!result.ok) return result;
  const { update_id: updateId, recipients } = result.data;
  const sent = await Promise.allSettled(
    recipients.map((r) =>
      sendEmail(
        renderReachOutEmail({
          to: r.email,
          recipientName: r.name,
          personName: input.personName,
          circleName: input.circleName,
          circleId: input.circleId,
          updateId,
        }),
      ),
    ),
  );
  const notEmailed = recipients.filter((_, i) => sent[i].status === "rejected").map((r) => r.name);
  for (const failure of sent) if (failure.status === "rejected") console.error("reach-out email failed", failure.reason);
  return { ok: true, data: { updateId, asked: recipients.map((r) => r.name), notEmailed } };
}

// ---------------------------------------------------------------------------------------------------
// Notes of encouragement
// ---------------------------------------------------------------------------------------------------

export type NoteRow = Pick<Tables<"encouragement_notes">, "id" | "author_member_id" | "update_id" | "body" | "created_at">;

/** For the person: the notes sent to them. For a member: the notes they sent (RLS either way). */
export async function listNotes(supabase: Supabase, circleId: string): Promise<NoteRow[]> {
  return unwrap(
    await supabase
      .from("encouragement_notes")
      .select("id, author_member_id, update_id, body, created_at")
      .eq("circle_id", circleId)
      .order("created_at", { ascending: false })
      .limit(200),
  );
}

// ---------------------------------------------------------------------------------------------------
// Support plan
// ---------------------------------------------------------------------------------------------------

export type PlanSectionRow = Pick<Tables<"support_plan_sections">, "id" | "kind" | "body" | "category" | "audience" | "updated_at">;

/** The sections the reader may see (all of them for the person), in the plan's order. */
export async function listPlan(supabase: Supabase, circleId: string): Promise<PlanSectionRow[]> {
  const rows = unwrap(
    await supabase
      .from("support_plan_sections")
      .select("id, kind, body, category, audience, updated_at")
      .eq("circle_id", circleId),
  );
  const order = PLAN_SECTIONS.map((s) => s.kind as string);
  return rows.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}
