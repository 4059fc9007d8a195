import { loadCalendarWindow, memberNames, summarise } from "~/calendar/tasks.server";
import type { TaskSummary } from "~/calendar/task-view";
import type { TaskKind } from "~/calendar/words";
import { formatRangeInZone } from "~/calendar/time";
import type { CircleAccess } from "~/circles.server";
import { formatMoment } from "~/format";
import { unwrap } from "~/supabase.server";
import { excerpt, FORMER_MEMBER } from "~/updates";
import type { People } from "~/updates.server";

// What the circle's home puts first: for a helper the coming week's tasks they may claim and their
// own; for the person what waits for her answer. Read with the reader's own client, so row-level
// security decides what is in it.

/** As the digest: tasks starting within 7 days of now. */
export const HOME_DAYS = 7;
/** Notes carry no read mark: "new" is the last week's. */
const NEW_NOTE_DAYS = 7;
const LISTED = 3;
const DAY_MS = 86_400_000;

/** One thing waiting for the person: who sent it, the start of its words, when. */
export type WaitingItem = { id: string; who: string; text: string; when: string };

export type HomeTask = Pick<TaskSummary, "id" | "title" | "kind" | "when" | "slots" | "taken" | "claimers" | "location">;

const homeTask = (t: TaskSummary): HomeTask => ({
  id: t.id,
  title: t.title,
  kind: t.kind,
  when: t.when,
  slots: t.slots,
  taken: t.taken,
  claimers: t.claimers,
  location: t.location,
});

/**
 * The next seven days as the reader sees them (one calendar_window call): the tasks they may still
 * claim, their own, and the categories shared with them.
 */
export async function loadComingWeek(access: CircleAccess, now = new Date()) {
  const timeZone = access.circle.time_zone;
  const { tasks, members, standing } = await loadCalendarWindow(access, {
    from: now,
    to: new Date(now.getTime() + HOME_DAYS * DAY_MS),
  });
  const names = memberNames(members);
  const summaries = tasks.map((task) => summarise(task, { timeZone, myMemberId: access.me.id, names, now }));
  return {
    open: summaries.filter((t) => t.needsHelp && !t.mine).map(homeTask),
    mine: summaries.filter((t) => t.mine && (t.state === "open" || t.state === "full")).map(homeTask),
    myCategories: standing.visible,
  };
}

/**
 * What waits for the person: drafts to approve, offers to answer (still to come: a past one can no longer be accepted), and the last week's
 * notes. Each is one request asking for a count and the first few.
 */
export async function loadWaiting(access: CircleAccess, people: People, now = new Date()) {
  const { supabase, circle } = access;
  const timeZone = circle.time_zone;
  const since = new Date(now.getTime() - NEW_NOTE_DAYS * DAY_MS).toISOString();
  const [drafts, offers, notes] = await Promise.all([
    supabase
      .from("updates")
      .select("id, author_id, body, created_at", { count: "exact" })
      .eq("circle_id", circle.id)
      .in("status", ["draft", "pending"])
      .order("created_at", { ascending: false })
      .limit(LISTED),
    offersQuery(access, now),
    supabase
      .from("encouragement_notes")
      .select("id, author_member_id, body, created_at", { count: "exact" })
      .eq("circle_id", circle.id)
      .gte("created_at", since)
      .order("created_at", { ascending: false })
      .limit(LISTED),
  ]);
  return {
    drafts: {
      count: drafts.count ?? 0,
      items: unwrap(drafts).map((d): WaitingItem => ({
        id: d.id,
        who: (d.author_id && people.byUserId.get(d.author_id)) || FORMER_MEMBER,
        text: excerpt(d.body, 90),
        when: formatMoment(d.created_at, timeZone),
      })),
    },
    offers: offerItems(offers, people, timeZone),
    notes: {
      days: NEW_NOTE_DAYS,
      count: notes.count ?? 0,
      items: unwrap(notes).map((n): WaitingItem => ({
        id: n.id,
        who: people.byMemberId.get(n.author_member_id) ?? FORMER_MEMBER,
        text: excerpt(n.body, 90),
        when: formatMoment(n.created_at, timeZone),
      })),
    },
  };
}

export type Waiting = Awaited<ReturnType<typeof loadWaiting>>;

/** Pending offers the reader may answer (RLS: the owner's, a coordinator's in categories they hold), not their own. */
function offersQuery(access: CircleAccess, now: Date) {
  return access.supabase
    .from("task_offers")
    .select("id, member_id, kind, message, starts_at, ends_at, all_day", { count: "exact" })
    .eq("circle_id", access.circle.id)
    .eq("status", "pending")
    .neq("member_id", access.me.id)
    .gt("starts_at", now.toISOString())
    .order("starts_at")
    .limit(LISTED);
}

function offerItems(offers: Awaited<ReturnType<typeof offersQuery>>, people: People, timeZone: string) {
  return {
    count: offers.count ?? 0,
    items: unwrap(offers).map((o): WaitingItem & { kind: TaskKind } => ({
      id: o.id,
      who: people.byMemberId.get(o.member_id) ?? FORMER_MEMBER,
      kind: o.kind,
      text: excerpt(o.message, 90),
      when: formatRangeInZone(new Date(o.starts_at), new Date(o.ends_at), timeZone, { allDay: o.all_day }),
    })),
  };
}

/** A coordinator answers offers too: the part of what waits that is theirs. */
export async function loadOffersToAnswer(access: CircleAccess, people: People, now = new Date()) {
  return offerItems(await offersQuery(access, now), people, access.circle.time_zone);
}
