import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { noticeText, runTaskIntent, TaskIntentSchema } from "~/calendar/task-actions.server";
import { KIND_LABELS, namesList, spotsText } from "~/calendar/words";
import { loadComingWeek, loadOffersToAnswer, loadWaiting, type HomeTask, type Waiting, type WaitingItem } from "~/circle-home.server";
import { requireCircle } from "~/circles.server";
import { CheckInCard, updatesStylesheet } from "~/components/check-in-card";
import { Notice } from "~/components/choices";
import { useCircle } from "~/components/circle-context";
import { UpdateCard } from "~/components/update-card";
import { latestUpdates, loadPeople, reachOutChoices } from "~/updates.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { categoryList, ROLE_WORDS } from "~/consent";
import { readForm } from "~/validation";

// The circle's first screen. A helper sees what they could do this week, each with "I'll do it" (a
// plain form: one tap claims it, with or without JavaScript), then their own tasks, then updates. The
// person sees what waits for her (drafts, offers, new notes), then the check-in.

export const links: LinksFunction = () => [updatesStylesheet];

/** A phone's first screen holds about this many; the rest are one tap away in the task list. */
const OPEN_LISTED = 5;

const SearchSchema = z.object({
  notice: z.literal("claimed").optional().catch(undefined),
  task: z.string().uuid().optional().catch(undefined),
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { supabase, headers, circle, me, isOwner } = access;
  const [people, week] = await Promise.all([loadPeople(supabase, circle.id), loadComingWeek(access)]);
  const [updates, checkInChoices, waiting, offers] = await Promise.all([
    latestUpdates(supabase, { circleId: circle.id, timeZone: circle.time_zone, isOwner, people }),
    isOwner ? reachOutChoices(supabase, circle.id, people) : Promise.resolve(null),
    isOwner ? loadWaiting(access, people) : Promise.resolve(null),
    // A coordinator answers offers too.
    me.role === "coordinator" ? loadOffersToAnswer(access, people) : Promise.resolve(null),
  ]);
  const active = people.members.filter((m) => m.status === "active");
  const search = SearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const claimed = search.task ? week.mine.find((t) => t.id === search.task) : undefined;
  return data(
    {
      otherMembers: active.filter((m) => m.id !== me.id).length,
      myCategories: isOwner ? null : week.myCategories,
      updates,
      checkInChoices,
      open: week.open.slice(0, OPEN_LISTED),
      openCount: week.open.length,
      mine: week.mine,
      waiting,
      offers,
      notice: search.notice ? noticeText(search.notice, claimed?.title) : null,
      personName: people.members.find((m) => m.role === "owner")?.name ?? "the person",
    },
    { headers },
  );
}

const ClaimSchema = TaskIntentSchema.extend({ intent: z.literal("claim") });

/** "I'll do it": the same claim as the task page and the list (claim_task, atomic in the database). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const formData = await readForm(request);
  const parsed = ClaimSchema.safeParse({ intent: formData.get("intent"), taskId: formData.get("taskId") });
  if (!parsed.success) {
    return data({ error: "Please use the “I'll do it” button next to a task." }, { status: 400, headers: access.headers });
  }
  const result = await runTaskIntent(access.supabase, parsed.data);
  if (!result.ok) return data({ error: result.failure.message }, { status: result.failure.status, headers: access.headers });
  // Post/Redirect/Get: back home, with a line saying it is theirs.
  const search = new URLSearchParams({ notice: result.notice, task: parsed.data.taskId });
  return redirect(`/circles/${access.circle.id}?${search}`, { headers: access.headers });
}

export default function CircleHome() {
  const { otherMembers, myCategories, updates, checkInChoices, open, openCount, mine, waiting, offers, notice, personName } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, me, isOwner } = useCircle();
  const busy = useNavigation().state === "submitting";
  const base = `/circles/${circle.id}`;

  return (
    <>
      <h1 className="home-title">{circle.name}</h1>
      {notice ? <Notice focus>{notice}</Notice> : null}
      {actionData?.error ? <Notice tone="error">{actionData.error}</Notice> : null}

      {isOwner && waiting ? (
        <>
          <WaitingForYou base={base} waiting={waiting} />
          {checkInChoices ? (
            <CheckInCard circleId={circle.id} reachOutChoices={checkInChoices} paused={circle.updatesPaused} />
          ) : null}
          {otherMembers === 0 ? (
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
          <section aria-labelledby="week-heading">
            <h2 id="week-heading">This week</h2>
            <p>
              {openCount === 0
                ? "Everything in the next 7 days has someone."
                : openCount === 1
                  ? "1 task in the next 7 days still needs someone."
                  : `${openCount} tasks in the next 7 days still need someone.`}{" "}
              <Link to={`${base}/calendar`}>Open the calendar</Link>
            </p>
          </section>
        </>
      ) : (
        <>
          <section aria-labelledby="open-heading">
            <h2 id="open-heading">You could help with</h2>
            {open.length === 0 ? (
              <p className="muted">Nothing needs help in the next 7 days. Thank you!</p>
            ) : (
              <ul className="home-tasks">
                {open.map((task) => (
                  <HomeTaskItem key={task.id} task={task} base={base}>
                    <Form method="post" className="home-task-action">
                      <input type="hidden" name="taskId" value={task.id} />
                      <button type="submit" name="intent" value="claim" className="button" disabled={busy}>
                        I&apos;ll do it<span className="visually-hidden">: {task.title}, {task.when}</span>
                      </button>
                    </Form>
                  </HomeTaskItem>
                ))}
              </ul>
            )}
            <p className="home-links">
              {openCount > open.length ? (
                <>
                  <Link to={`${base}/tasks?days=7&filter=open`}>All {openCount} that need help</Link> ·{" "}
                </>
              ) : null}
              <Link to={`${base}/calendar`}>Calendar</Link> · <Link to={`${base}/tasks/offers`}>Offer help</Link>
            </p>
          </section>
          {offers && offers.count > 0 ? (
            <div className="waiting">
              <WaitingPart
                id="offers"
                level={2}
                heading={offersHeading(offers.count)}
                items={offers.items.map((o) => ({ ...o, says: `offers ${KIND_LABELS[o.kind].toLowerCase()}` }))}
                link={{ to: `${base}/tasks/offers`, label: "Answer offers" }}
              />
            </div>
          ) : null}
          <section aria-labelledby="mine-heading">
            <h2 id="mine-heading">Your next tasks</h2>
            {mine.length === 0 ? (
              <p className="muted">Nothing of yours in the next 7 days.</p>
            ) : (
              <ul className="home-tasks">
                {mine.map((task) => (
                  <HomeTaskItem key={task.id} task={task} base={base} mine />
                ))}
              </ul>
            )}
            <p className="home-links">
              <Link to={`${base}/tasks?filter=mine`}>All your tasks</Link>
            </p>
          </section>
        </>
      )}

      <section aria-labelledby="updates-heading">
        <h2 id="updates-heading">Latest updates</h2>
        {updates.length === 0 ? (
          <p className="muted">
            {isOwner
              ? "You haven't shared an update yet."
              : circle.updatesPaused
                ? "Updates are paused while Take a break is on."
                : "No updates shared with you yet."}
          </p>
        ) : (
          <ol className="feed" aria-label="Latest updates, newest first">
            {updates.map((item) => (
              <li key={item.id}>
                <UpdateCard item={item} circleId={circle.id} isOwner={isOwner} personName={personName} headingLevel={3} />
              </li>
            ))}
          </ol>
        )}
        <p>
          <Link to={`${base}/updates`}>All updates</Link>
        </p>
      </section>

      <section aria-labelledby="about-heading">
        <h2 id="about-heading">About this circle</h2>
        <dl className="facts">
          <div>
            <dt>Your role</dt>
            <dd>
              {ROLE_WORDS[me.role].label}
              <span className="muted"> — {ROLE_WORDS[me.role].forMember}</span>
            </dd>
          </div>
          {myCategories ? (
            <div>
              <dt>Shared with you</dt>
              <dd>
                {categoryList(myCategories)} · <Link to={`${base}/shared-with-me`}>What is shared with me</Link>
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Time zone</dt>
            <dd>
              {circle.zoneLabel} <span className="muted">({circle.timeZone.replaceAll("_", " ")})</span>
            </dd>
          </div>
          <div>
            <dt>{isOwner ? "People in your circle" : "People in this circle"}</dt>
            <dd>
              {otherMembers === 0 ? "Just you so far" : `${otherMembers} besides you`} ·{" "}
              <Link to={`${base}/members`}>{isOwner ? "Members and what each person sees" : "Members"}</Link>
            </dd>
          </div>
        </dl>
      </section>
    </>
  );
}

function HomeTaskItem({ task, base, mine = false, children }: { task: HomeTask; base: string; mine?: boolean; children?: ReactNode }) {
  const others = task.claimers.length ? ` · With ${namesList(task.claimers)}` : "";
  return (
    <li className={`home-task${mine ? " home-task--mine" : ""}`}>
      <div className="home-task-text">
        <h3 className="home-task-title">
          <Link to={`${base}/tasks/${task.id}`}>{task.title}</Link>
        </h3>
        <p className="home-task-when">{task.when}</p>
        <p className="home-task-meta">
          {KIND_LABELS[task.kind]}
          {task.location ? ` · ${task.location}` : ""}
          {mine ? others : ` · ${spotsText(task.slots, task.taken)}`}
        </p>
      </div>
      {children}
    </li>
  );
}

function WaitingForYou({ base, waiting }: { base: string; waiting: Waiting }) {
  const { drafts, offers, notes } = waiting;
  const nothing = drafts.count === 0 && offers.count === 0 && notes.count === 0;
  return (
    <section aria-labelledby="waiting-heading" className="waiting">
      <h2 id="waiting-heading">Waiting for you</h2>
      {nothing ? <p className="muted">Nothing waits for you right now: no drafts, offers or new notes.</p> : null}
      {drafts.count > 0 ? (
        <WaitingPart
          id="drafts"
          heading={drafts.count === 1 ? "A draft to approve" : `${drafts.count} drafts to approve`}
          items={drafts.items}
          link={{ to: `${base}/updates/drafts`, label: "Review drafts" }}
        />
      ) : null}
      {offers.count > 0 ? (
        <WaitingPart
          id="offers"
          heading={offersHeading(offers.count)}
          items={offers.items.map((o) => ({ ...o, says: `offers ${KIND_LABELS[o.kind].toLowerCase()}` }))}
          link={{ to: `${base}/tasks/offers`, label: "Answer offers" }}
        />
      ) : null}
      {notes.count > 0 ? (
        <WaitingPart
          id="notes"
          heading={notes.count === 1 ? `A note for you in the last ${notes.days} days` : `${notes.count} notes for you in the last ${notes.days} days`}
          items={notes.items}
          link={{ to: `${base}/notes`, label: "Read your notes" }}
        />
      ) : null}
    </section>
  );
}

const offersHeading = (count: number) => (count === 1 ? "An offer of help to answer" : `${count} offers of help to answer`);

function WaitingPart({
  id,
  level = 3,
  heading,
  items,
  link,
}: {
  id: string;
  level?: 2 | 3;
  heading: string;
  items: Array<WaitingItem & { says?: string }>;
  link: { to: string; label: string };
}) {
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section aria-labelledby={`${id}-heading`} className="waiting-part">
      <Heading id={`${id}-heading`}>{heading}</Heading>
      <ul className="waiting-list">
        {items.map((item) => (
          <li key={item.id}>
            <strong>{item.who}</strong>
            {item.says ? ` ${item.says}` : ""}: “{item.text}”<span className="muted"> · {item.when}</span>
          </li>
        ))}
      </ul>
      <p>
        <Link to={link.to} className="button button-small">
          {link.label}
        </Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
