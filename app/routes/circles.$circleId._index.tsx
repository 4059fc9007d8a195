import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listGrants, requireCircle } from "~/circles.server";
import { CheckInCard, updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { UpdateCard } from "~/components/update-card";
import { latestUpdates, loadPeople, reachOutChoices } from "~/updates.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { categoryList, ROLE_WORDS } from "~/consent";

export const links: LinksFunction = () => [updatesStylesheet];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner } = await requireCircle(request, params, context);
  const [people, grants] = await Promise.all([loadPeople(supabase, circle.id), listGrants(supabase, circle.id)]);
  const [updates, checkInChoices] = await Promise.all([
    latestUpdates(supabase, { circleId: circle.id, timeZone: circle.time_zone, isOwner, people }),
    isOwner ? reachOutChoices(supabase, circle.id, people) : Promise.resolve(null),
  ]);
  const active = people.members.filter((m) => m.status === "active");
  return data(
    {
      otherMembers: active.filter((m) => m.id !== me.id).length,
      myCategories: isOwner ? null : (grants.get(me.id) ?? []),
      updates,
      checkInChoices,
      personName: people.members.find((m) => m.role === "owner")?.name ?? "the person",
    },
    { headers },
  );
}

export default function CircleHome() {
  const { otherMembers, myCategories, updates, checkInChoices, personName } = useLoaderData<typeof loader>();
  const { circle, me, isOwner } = useCircle();
  const base = `/circles/${circle.id}`;

  return (
    <>
      <h1>{circle.name}</h1>
      {checkInChoices ? (
        <CheckInCard circleId={circle.id} reachOutChoices={checkInChoices} paused={circle.updatesPaused} />
      ) : null}
      <dl className="facts">
        <div>
          <dt>Your role</dt>
          <dd>
            {ROLE_WORDS[me.role].label}
            <span className="muted"> — {ROLE_WORDS[me.role].forMember}</span>
          </dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>
            {circle.zoneLabel} <span className="muted">({circle.timeZone.replaceAll("_", " ")})</span>
          </dd>
        </div>
        <div>
          <dt>{isOwner ? "People in your circle" : "People in this circle"}</dt>
          <dd>{otherMembers === 0 ? "Just you so far" : `${otherMembers} besides you`}</dd>
        </div>
        {myCategories ? (
          <div>
            <dt>Shared with you</dt>
            <dd>{categoryList(myCategories)}</dd>
          </div>
        ) : null}
      </dl>

      {isOwner && otherMembers === 0 ? (
        <div className="panel">
          <h2>Invite your first people</h2>
          <p>
            Invite the people you&apos;d like around you. For each person you choose what they may see, and you
            can change it at any time.
          </p>
          <p>
            <Link to={`${base}/members#invite`} className="button">
              Invite someone
            </Link>
          </p>
        </div>
      ) : null}

      <h2>Quick links</h2>
      <ul className="quick-links">
        <li>
          <Link to={`${base}/members`}>{isOwner ? "Members and what each person sees" : "Members"}</Link>
        </li>
        {isOwner ? (
          <li>
            <Link to={`${base}/preview`}>Preview the circle as one of your members</Link>
          </li>
        ) : (
          <li>
            <Link to={`${base}/shared-with-me`}>What is shared with me</Link>
          </li>
        )}
        <li>
          <Link to={`${base}/activity`}>{isOwner ? "Activity log" : "Changes about you"}</Link>
        </li>
        <li>
          <Link to={`${base}/settings`}>{isOwner ? "Settings and Take a break" : "Settings"}</Link>
        </li>
      </ul>

      <section aria-labelledby="calendar-heading">
        <h2 id="calendar-heading">Calendar</h2>
        <p>
          <Link to={`${base}/calendar`}>Open the calendar</Link> · <Link to={`${base}/tasks`}>Task list</Link> ·{" "}
          <Link to={`${base}/tasks/offers`}>Offer help</Link>
        </p>
      </section>
      <section aria-labelledby="updates-heading">
        <h2 id="updates-heading">Latest updates</h2>
        {updates.length === 0 ? (
          <p className="muted">
            {circle.updatesPaused && !isOwner
              ? "Updates are paused while Take a break is on."
              : "No updates shared with you yet."}
          </p>
        ) : (
          <ol className="feed" aria-label="Latest updates, newest first">
            {updates.map((item) => (
              <li key={item.id}>
                <UpdateCard
                  item={item}
                  circleId={circle.id}
                  isOwner={isOwner}
                  personName={personName}
                  headingLevel={3}
                />
              </li>
            ))}
          </ol>
        )}
        <p>
          <Link to={`${base}/updates`}>All updates</Link>
        </p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
