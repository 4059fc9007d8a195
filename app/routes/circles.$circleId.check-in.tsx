import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireCircle } from "~/circles.server";
import { CheckInCard, updatesStylesheet, type CheckInValues } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { FormErrors } from "~/components/forms";
import { CheckInTag } from "~/components/update-card";
import { unwrap } from "~/supabase.server";
import {
  CHECK_IN_NOTE_MAX,
  CheckInColourSchema,
  FORMER_MEMBER,
  formFields,
  MemberIdsSchema,
  normaliseText,
  type CheckInColour,
} from "~/updates";
import { failureErrors, getUpdate, loadPeople, reachOutChoices, shareCheckIn } from "~/updates.server";
import { readForm } from "~/validation";

// The person's check-in: a colour and an optional line, shared as a wellbeing update, and the people
// they tick asked to reach out (an email each, at once, with nothing about how the person is).
// The same form sits on the circle's home page (components/check-in-card.tsx) and posts here.

const CheckInSchema = z.object({
  colour: CheckInColourSchema,
  note: z
    .string()
    .optional()
    .transform((v) => normaliseText(v ?? ""))
    .pipe(z.string().max(CHECK_IN_NOTE_MAX, `Keep the line to ${CHECK_IN_NOTE_MAX} characters or fewer`)),
  reachOut: MemberIdsSchema.default([]),
  onlyReachOut: z
    .enum(["on"])
    .optional()
    .transform((v) => v === "on"),
});

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Check in · Circle" }];

async function requireOwnerAccess(request: Request, params: LoaderFunctionArgs["params"], context: AppLoadContext) {
  const access = await requireCircle(request, params, context);
  if (!access.isOwner) {
    throw new Response("Only the person whose circle this is checks in here", { status: 403, headers: access.headers });
  }
  return access;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle } = await requireOwnerAccess(request, params, context);
  const people = await loadPeople(supabase, circle.id);
  const choices = await reachOutChoices(supabase, circle.id, people);
  const sharedId = z.string().uuid().safeParse(new URL(request.url).searchParams.get("shared"));
  let shared: { id: string; colour: CheckInColour; asked: string[] } | null = null;
  if (sharedId.success) {
    const update = await getUpdate(supabase, circle.id, sharedId.data);
    if (update?.check_in) {
      const requests = unwrap(
        await supabase.from("reach_out_requests").select("member_id").eq("update_id", update.id),
      );
      shared = {
        id: update.id,
        colour: update.check_in,
        asked: requests.map((r) => people.byMemberId.get(r.member_id) ?? FORMER_MEMBER),
      };
    }
  }
  return data({ choices, shared }, { headers });
}

type Reply = { errors: FormErrors; values: CheckInValues; warning: string | null };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle, me } = await requireOwnerAccess(request, params, context);
  const fields = formFields(await readForm(request));
  const values: CheckInValues = {
    colour: typeof fields.colour === "string" ? fields.colour : undefined,
    note: typeof fields.note === "string" ? fields.note : "",
    reachOut: Array.isArray(fields.reachOut) ? fields.reachOut : [],
    onlyReachOut: fields.onlyReachOut === "on",
  };
  const reply = (errors: FormErrors, status: number, warning: string | null = null) =>
    data<Reply>({ errors, values, warning }, { status, headers });

  const submission = CheckInSchema.safeParse(fields);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  if (form.onlyReachOut && form.reachOut.length === 0) {
    return reply({ formErrors: [], fieldErrors: { reachOut: ["Tick at least one person to share this check-in with"] } }, 400);
  }

  const result = await shareCheckIn(supabase, {
    circleId: circle.id,
    circleName: circle.name,
    personName: me.name,
    colour: form.colour,
    note: form.note,
    reachOut: form.reachOut,
    onlyReachOut: form.onlyReachOut,
  });
  if (!result.ok) return reply(failureErrors(result.failure), result.failure.status);
  const target = `/circles/${circle.id}/check-in?shared=${result.data.updateId}`;
  if (result.data.notEmailed.length > 0) {
    // Shared, but some emails did not go: say so on this page rather than redirect it away.
    return reply(
      { formErrors: [], fieldErrors: {} },
      200,
      `Your check-in is shared, but we couldn't email ${result.data.notEmailed.join(", ")}. You may want to contact them yourself.`,
    );
  }
  return redirect(target, { headers });
}

export default function CheckIn() {
  const { choices, shared } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle } = useCircle();
  const base = `/circles/${circle.id}`;

  if (shared && !actionData) {
    return (
      <div className="page-narrow">
        <h1>Check-in shared</h1>
        <Notice>
          <p>
            <CheckInTag colour={shared.colour} />
          </p>
          <p>
            {shared.asked.length > 0
              ? `We emailed ${shared.asked.join(", ")} to ask them to reach out. The email says nothing about how you are.`
              : "Thank you for checking in."}
          </p>
        </Notice>
        <p className="page-actions">
          <Link to={`${base}/updates#update-${shared.id}`}>See it in updates</Link>
          <Link to={`${base}/updates/${shared.id}/edit`}>Change or delete it</Link>
          <Link to={base}>Back to the circle</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="page-narrow">
      {actionData?.warning ? <Notice tone="error">{actionData.warning}</Notice> : null}
      <CheckInCard
        circleId={circle.id}
        reachOutChoices={choices}
        paused={circle.updatesPaused}
        errors={actionData?.warning ? undefined : actionData?.errors}
        values={actionData?.warning ? undefined : actionData?.values}
        headingLevel={1}
      />
      <p>
        If you are in danger or thinking about ending your life, please call your local emergency number or a{" "}
        <Link to="/resources">crisis line</Link> now. People in your circle may not see this at once.
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
