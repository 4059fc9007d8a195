import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listGrants, requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { UpdateCard } from "~/components/update-card";
import { countPendingDrafts, loadFeed, loadPeople } from "~/updates.server";

// The feed: the published updates the reader may see (the consent rule, applied by RLS), newest
// first, 20 a page. Support is sent from each card; notes, drafts and check-ins have their own pages.

const QuerySchema = z.object({
  before: z.string().datetime({ offset: true }).optional(),
  beforeId: z.string().uuid().optional(),
  posted: z.enum(["published", "submitted", "deleted"]).optional(),
});

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Updates · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner } = await requireCircle(request, params, context);
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const { before, beforeId, posted } = query.success ? query.data : {};
  const people = await loadPeople(supabase, circle.id);
  const [feed, drafts, myGrants] = await Promise.all([
    loadFeed(supabase, {
      circleId: circle.id,
      timeZone: circle.time_zone,
      isOwner,
      people,
      before: before && beforeId ? { at: before, id: beforeId } : null,
    }),
    isOwner || me.role === "coordinator" ? countPendingDrafts(supabase, circle.id) : Promise.resolve(0),
    me.role === "coordinator" ? listGrants(supabase, circle.id) : Promise.resolve(new Map()),
  ]);
  const owner = people.members.find((m) => m.role === "owner");
  return data(
    {
      items: feed.items,
      next: feed.next,
      firstPage: !before,
      drafts,
      canDraft: me.role === "coordinator" && (myGrants.get(me.id)?.length ?? 0) > 0,
      personName: owner?.name ?? "the person",
      posted: posted ?? null,
    },
    { headers },
  );
}

const POSTED_TEXT = {
  published: "Your update is shared.",
  submitted: "Your draft is waiting for the person's approval.",
  deleted: "The update is deleted.",
} as const;

export default function Feed() {
  const { items, next, firstPage, drafts, canDraft, personName, posted } = useLoaderData<typeof loader>();
  const { circle, isOwner, me } = useCircle();
  const base = `/circles/${circle.id}`;

  return (
    <>
      <h1>Updates</h1>
      {posted ? <Notice>{POSTED_TEXT[posted]}</Notice> : null}
      <div className="page-actions">
        {isOwner ? (
          <>
            <Link to={`${base}/updates/new`} className="button">
              Post an update
            </Link>
            <Link to={`${base}/check-in`} className="button button-quiet">
              Check in
            </Link>
          </>
        ) : canDraft ? (
          <Link to={`${base}/updates/new`} className="button">
            Draft an update
          </Link>
        ) : null}
        {isOwner ? (
          <Link to={`${base}/updates/drafts`}>
            {drafts > 0 ? `Drafts waiting for you (${drafts})` : "Drafts"}
          </Link>
        ) : me.role === "coordinator" ? (
          <Link to={`${base}/updates/drafts`}>Your drafts{drafts > 0 ? ` (${drafts})` : ""}</Link>
        ) : null}
        <Link to={`${base}/notes`}>{isOwner ? "Notes for you" : `Notes to ${personName}`}</Link>
        <Link to={`${base}/plan`}>Support plan</Link>
      </div>

      {!isOwner && circle.updatesPaused ? (
        <p className="lead">{personName} is taking a break from updates. They will appear here again afterwards.</p>
      ) : items.length === 0 ? (
        <p className="lead">
          {firstPage
            ? isOwner
              ? "Nothing shared yet. Post an update or check in, and choose who sees it."
              : `Nothing has been shared with you yet. When ${personName} shares an update with you, it appears here.`
            : "No older updates."}
        </p>
      ) : (
        <ol className="feed" aria-label="Updates, newest first">
          {items.map((item) => (
            <li key={item.id}>
              <UpdateCard item={item} circleId={circle.id} isOwner={isOwner} personName={personName} />
            </li>
          ))}
        </ol>
      )}

      {!firstPage || next ? (
        <nav className="pager" aria-label="More updates">
          {!firstPage ? <Link to={`${base}/updates`}>Newest updates</Link> : null}
          {next ? (
            <Link to={`${base}/updates?${new URLSearchParams({ before: next.at, beforeId: next.id })}`}>
              Older updates
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
