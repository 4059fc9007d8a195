import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CategoryTag } from "~/components/update-card";
import { UpdateText } from "~/components/update-text";
import { CATEGORY_WORDS } from "~/consent";
import { formatDay } from "~/format";
import { FORMER_MEMBER, PLAN_SECTIONS } from "~/updates";
import { listPlan, loadPeople } from "~/updates.server";

// The support plan. The person sees every section and who may read it; a member sees the sections
// the consent rule allows them (RLS), nothing about the others. Not hidden by "Take a break".

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Support plan · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, isOwner } = await requireCircle(request, params, context);
  const [sections, people] = await Promise.all([listPlan(supabase, circle.id), loadPeople(supabase, circle.id)]);
  const owner = people.members.find((m) => m.role === "owner");
  const url = new URL(request.url);
  return data(
    {
      personName: owner?.name ?? "The person",
      saved: url.searchParams.get("saved") === "1",
      removed: url.searchParams.get("removed") === "1",
      sections: sections.map((s) => ({
        kind: s.kind,
        body: s.body,
        category: s.category,
        updated: formatDay(s.updated_at, circle.time_zone),
        audienceNames: isOwner && s.audience ? s.audience.map((id) => people.byMemberId.get(id) ?? FORMER_MEMBER) : null,
      })),
    },
    { headers },
  );
}

export default function Plan() {
  const { sections, personName, saved, removed } = useLoaderData<typeof loader>();
  const { circle, isOwner } = useCircle();
  const base = `/circles/${circle.id}/plan`;
  const written = new Map(sections.map((s) => [s.kind, s]));

  if (!isOwner) {
    return (
      <div className="page-narrow">
        <h1>{personName}&apos;s support plan</h1>
        <p className="lead">What {personName} has chosen to share with you about how to support them.</p>
        {sections.length === 0 ? (
          <p>{personName} hasn&apos;t shared any of their support plan with you.</p>
        ) : (
          <ul className="plan-sections">
            {sections.map((s) => (
              <li key={s.kind} className="card plan-section">
                <h2>{PLAN_SECTIONS.find((p) => p.kind === s.kind)?.title}</h2>
                <UpdateText text={s.body} />
                <p className="muted">Updated {s.updated}</p>
              </li>
            ))}
          </ul>
        )}
        <p>
          In a crisis, call your local emergency number or a <Link to="/resources">crisis line</Link>.
        </p>
      </div>
    );
  }

  return (
    <div className="page-narrow">
      <h1>Your support plan</h1>
      {saved ? <Notice>Saved.</Notice> : null}
      {removed ? <Notice>The section is removed.</Notice> : null}
      <p className="lead">
        Write down what helps and what doesn&apos;t, the signs to watch for and who to call. Each section has its own
        sharing: show your crisis contacts to your coordinators only, and what helps to everyone. The plan stays
        visible during a break from updates.
      </p>
      <ul className="plan-sections">
        {PLAN_SECTIONS.map((section) => {
          const s = written.get(section.kind);
          return (
            <li key={section.kind} className="card plan-section">
              <h2>{section.title}</h2>
              {s ? (
                <>
                  <p className="update-tags">
                    <CategoryTag category={s.category} />
                  </p>
                  <p className="muted">
                    {s.audienceNames
                      ? `Only ${s.audienceNames.join(", ")} (if they hold ${CATEGORY_WORDS[s.category].label.toLowerCase()})`
                      : `Everyone who holds ${CATEGORY_WORDS[s.category].label.toLowerCase()}`}{" "}
                    · updated {s.updated}
                  </p>
                  <UpdateText text={s.body} />
                  <Link to={`${base}/${section.kind}`}>
                    Edit<span className="visually-hidden"> “{section.title}”</span>
                  </Link>
                </>
              ) : (
                <>
                  <p className="muted">{section.prompt}</p>
                  <Link to={`${base}/${section.kind}`}>
                    Write this section<span className="visually-hidden">: “{section.title}”</span>
                  </Link>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
