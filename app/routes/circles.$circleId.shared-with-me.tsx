import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { auditSentence } from "~/audit";
import { listGrants, profileNames, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CATEGORIES, CATEGORY_WORDS, categoryList, ROLE_WORDS } from "~/consent";
import { formatDay } from "~/format";
import { unwrap } from "~/supabase.server";

// "What is shared with me": a member's role, the categories the person shares with them, and every
// consent change about them. All read with the member's own token: RLS returns only their own grants
// and the audit entries about them.

export const meta: MetaFunction = () => [{ title: "What is shared with me · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner, user } = await requireCircle(request, params, context);
  if (isOwner) return data({ owner: true as const }, { headers });

  const [grants, events] = await Promise.all([
    listGrants(supabase, circle.id),
    supabase
      .from("audit_events")
      .select("id, action, actor_id, subject_member_id, details, created_at")
      .eq("circle_id", circle.id)
      .eq("subject_member_id", me.id)
      .order("created_at", { ascending: false })
      .order("id", { ascending: false })
      .limit(100)
      .then(unwrap),
  ]);
  const names = await profileNames(supabase, [circle.owner_id, ...events.flatMap((e) => (e.actor_id ? [e.actor_id] : []))]);
  const categories = grants.get(me.id) ?? [];
  const sentenceNames = {
    viewerUserId: user.id,
    viewerMemberId: me.id,
    userName: (id: string) => names.get(id),
    memberName: () => undefined,
  };

  return data(
    {
      owner: false as const,
      ownerName: names.get(circle.owner_id) ?? "The person",
      role: me.role,
      label: me.label,
      categories,
      notShared: CATEGORIES.filter((c) => !categories.includes(c)),
      history: events.map((event) => ({
        id: event.id,
        at: event.created_at,
        text: `${auditSentence(event, sentenceNames)} on ${formatDay(event.created_at, circle.time_zone)}.`,
      })),
    },
    { headers },
  );
}

export default function SharedWithMe() {
  const page = useLoaderData<typeof loader>();
  const { circle } = useCircle();

  if (page.owner) {
    return (
      <>
        <h1>What is shared with me</h1>
        <p>This is your circle: you see everything in it.</p>
        <p>
          To see the circle through someone else&apos;s eyes, use{" "}
          <Link to={`/circles/${circle.id}/preview`}>Preview as…</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <h1>What is shared with me</h1>
      <p>
        You are <strong>{ROLE_WORDS[page.role].article}</strong> in {circle.name}
        {page.label ? (
          <>
            . Others see you as <strong>“{page.label}”</strong>
          </>
        ) : null}
        .
      </p>

      <h2>Shared with you</h2>
      {page.categories.length ? (
        <ul className="category-list" aria-label="Categories shared with you">
          {page.categories.map((category) => (
            <li key={category}>
              <strong>{CATEGORY_WORDS[category].label}</strong>: {CATEGORY_WORDS[category].forMember}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing is shared with you at the moment. You still see who is in the circle.</p>
      )}
      {page.notShared.length ? (
        <p>
          <strong>Not shared with you:</strong> {categoryList(page.notShared)}.
        </p>
      ) : null}
      <p className="muted">
        {page.ownerName} decides what each person sees and can change it at any time. Every change is listed
        below.
      </p>

      <h2>Changes about you</h2>
      {page.history.length ? (
        <ul className="timeline">
          {page.history.map((entry) => (
            <li key={entry.id}>{entry.text}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nothing yet.</p>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
