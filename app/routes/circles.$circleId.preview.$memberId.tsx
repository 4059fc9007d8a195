import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { PostgrestError } from "@supabase/supabase-js";
import { formatRangeInZone } from "~/calendar/time";
import {
  listGrants,
  listMembers,
  memberTitle,
  requireCircle,
  rpcFailure,
  UnexpectedRpcError,
  UuidSchema,
} from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CATEGORIES, CATEGORY_WORDS, categoryList, ROLE_WORDS } from "~/consent";
import { formatDay, formatMoment } from "~/format";

// "Preview as Dad": the circle through a member's eyes. Tasks and updates come from the database's
// preview RPCs, which apply the very consent rule that RLS applies to the member's own requests.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Preview as ${data.member.name} · Circle` : "Preview · Circle" },
];

const TASKS_SHOWN = 30;
const UPDATES_SHOWN = 20;

function refused(error: PostgrestError, fn: string, headers: Headers): never {
  const failure = rpcFailure(error);
  if (!failure) throw new UnexpectedRpcError(fn, error);
  throw new Response(failure.message, { status: failure.status, headers });
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, isOwner } = await requireCircle(request, params, context);
  if (!isOwner) throw new Response("Only the owner can preview", { status: 403, headers });
  const memberId = UuidSchema.safeParse(params.memberId);
  if (!memberId.success) throw new Response("Not found", { status: 404, headers });

  const members = await listMembers(supabase, circle.id);
  const member = members.find((m) => m.id === memberId.data && m.status === "active" && m.role !== "owner");
  if (!member) throw new Response("Not found", { status: 404, headers });

  // From the start of today in the circle's zone would be nicer; a day back is close enough for a list.
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  const [grants, tasks, updates] = await Promise.all([
    listGrants(supabase, circle.id),
    supabase
      .rpc("preview_tasks", { member_id: member.id })
      .select("id, title, category, starts_at, ends_at")
      .gte("starts_at", since)
      .order("starts_at")
      .limit(TASKS_SHOWN),
    supabase
      .rpc("preview_updates", { member_id: member.id })
      .select("id, category, body, status, published_at, created_at")
      .order("created_at", { ascending: false })
      .limit(UPDATES_SHOWN),
  ]);
  if (tasks.error) refused(tasks.error, "preview_tasks", headers);
  if (updates.error) refused(updates.error, "preview_updates", headers);
  const categories = grants.get(member.id) ?? [];
  const tz = circle.time_zone;

  return data(
    {
      member: { id: member.id, name: member.name, role: member.role, label: member.label },
      categories,
      notShared: CATEGORIES.filter((c) => !categories.includes(c)),
      // Every member sees the circle's active members (names, labels and roles).
      people: members
        .filter((m) => m.status === "active")
        .map((m) => ({ id: m.id, title: memberTitle(m), role: m.role, isThem: m.id === member.id })),
      tasks: tasks.data.map((task) => ({
        id: task.id,
        title: task.title,
        category: CATEGORY_WORDS[task.category].label,
        when: task.ends_at
          ? formatRangeInZone(new Date(task.starts_at), new Date(task.ends_at), tz)
          : formatMoment(task.starts_at, tz),
      })),
      updates: updates.data.map((update) => ({
        id: update.id,
        category: CATEGORY_WORDS[update.category].label,
        body: update.body,
        draft: update.status !== "published",
        when: formatDay(update.published_at ?? update.created_at, tz),
      })),
    },
    { headers },
  );
}

export default function PreviewAs() {
  const { member, categories, notShared, people, tasks, updates } = useLoaderData<typeof loader>();
  const { circle } = useCircle();
  const base = `/circles/${circle.id}`;

  return (
    <>
      <div className="preview-banner" role="note" aria-label="Preview">
        <p>
          <strong>Preview.</strong> This is the circle as {member.name} sees it. Nothing you do here changes what they
          see.
        </p>
        <p>
          <Link to={`${base}/preview`}>Preview as someone else</Link> · <Link to={base}>Stop previewing</Link>
        </p>
      </div>
      <h1>Preview as {member.name}</h1>
      <p>
        {member.name} is <strong>{ROLE_WORDS[member.role].article}</strong>
        {member.label && member.label !== member.name ? <> and appears to others as “{member.label}”</> : null}.
      </p>

      <section aria-labelledby="preview-shared-heading">
        <h2 id="preview-shared-heading">Shared with {member.name}</h2>
        {categories.length ? (
          <ul className="category-list">
            {categories.map((category) => (
              <li key={category}>
                <strong>{CATEGORY_WORDS[category].label}</strong>: {CATEGORY_WORDS[category].forMember}
              </li>
            ))}
          </ul>
        ) : (
          <p>Nothing is shared with {member.name} at the moment.</p>
        )}
        {notShared.length ? (
          <p>
            <strong>Not shared:</strong> {categoryList(notShared)}.{" "}
            <Link to={`${base}/members#who-sees-what`}>Change what {member.name} sees</Link>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="preview-people-heading">
        <h2 id="preview-people-heading">People {member.name} sees in the circle</h2>
        <ul className="plain-list">
          {people.map((person) => (
            <li key={person.id}>
              {person.title} · {ROLE_WORDS[person.role].label}
              {person.isThem ? " (this is them)" : ""}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="preview-calendar-heading">
        <h2 id="preview-calendar-heading">Calendar</h2>
        {tasks.length ? (
          <ul className="plain-list">
            {tasks.map((task) => (
              <li key={task.id}>
                <strong>{task.title}</strong> · {task.when} · {task.category}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{member.name} sees no upcoming tasks.</p>
        )}
      </section>

      <section aria-labelledby="preview-updates-heading">
        <h2 id="preview-updates-heading">Updates</h2>
        {circle.updatesPaused ? (
          <p>Take a break is on, so {member.name} sees no updates at all.</p>
        ) : updates.length ? (
          <ul className="plain-list">
            {updates.map((update) => (
              <li key={update.id}>
                <span className="muted">
                  {update.when} · {update.category}
                  {update.draft ? " · their draft" : ""}
                </span>
                <br />
                {update.body}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{member.name} sees no updates.</p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
