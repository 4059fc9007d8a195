import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { callCalendarRpc, memberNames, requireCalendar } from "~/calendar/tasks.server";
import { addDays, formatRangeInZone, localDateSchema, toLocalDate, zonedInstant, zoneLabel } from "~/calendar/time";
import { TITLE_MAX } from "~/calendar/task-form";
import { KIND_LABELS, TASK_KINDS } from "~/calendar/words";
import { Notice, SelectField } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorList, Field, FormErrorSummary } from "~/components/forms";
import { CalendarActions } from "~/components/task-parts";
import { CATEGORIES, CATEGORY_WORDS, type Category } from "~/consent";
import type { Tables } from "~/database.types";
import { unwrap } from "~/supabase.server";
import appCalendarStyles from "~/styles/calendar.css?url";
import { readForm } from "~/validation";

// Offers of help: a member says what they can do and when ("I can bring dinner on Thursday"); the
// person or a coordinator accepts (it becomes a task already claimed by that member) or declines,
// with a kind word if they like.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: appCalendarStyles }];

export const meta: MetaFunction = () => [{ title: "Offers of help · Circle" }];

type OfferRow = Pick<
  Tables<"task_offers">,
  "id" | "member_id" | "kind" | "category" | "message" | "starts_at" | "ends_at" | "all_day" | "status" | "response_note" | "task_id"
>;

const OFFER_COLUMNS = "id, member_id, kind, category, message, starts_at, ends_at, all_day, status, response_note, task_id";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCalendar(request, params, context);
  const { supabase, circle, me, headers } = access;
  const timeZone = circle.time_zone;
  const [mine, toAnswer] = await Promise.all([
    supabase.from("task_offers").select(OFFER_COLUMNS).eq("member_id", me.id).order("created_at", { ascending: false }).limit(50),
    access.manageable.length
      ? supabase
          .from("task_offers")
          .select(OFFER_COLUMNS)
          .eq("circle_id", circle.id)
          .eq("status", "pending")
          .neq("member_id", me.id)
          .order("starts_at")
          .limit(100)
      : Promise.resolve({ data: [] as OfferRow[], error: null }),
  ]);
  const names = memberNames(access.members);
  const view = (offer: OfferRow) => ({
    ...offer,
    who: names.get(offer.member_id) ?? "A former member",
    when: formatRangeInZone(new Date(offer.starts_at), new Date(offer.ends_at), timeZone, { allDay: offer.all_day }),
  });
  const url = new URL(request.url);
  return data(
    {
      circleId: circle.id,
      isOwner: access.isOwner,
      canCreate: access.manageable.length > 0,
      zone: zoneLabel(timeZone),
      today: toLocalDate(new Date(), timeZone),
      categories: access.visible.length ? access.visible : (["practical"] as Category[]),
      mine: unwrap(mine).map(view),
      toAnswer: unwrap(toAnswer).map(view),
      notice: url.searchParams.get("notice"),
    },
    { headers },
  );
}

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Enter a time such as 18:30");

const OfferSchema = z
  .object({
    intent: z.literal("offer"),
    message: z.string().trim().min(1, "Say what you can do").max(500, "Keep it under 500 characters"),
    kind: z.enum(TASK_KINDS, { errorMap: () => ({ message: "Choose what kind of help" }) }),
    category: z.enum(CATEGORIES).default("practical"),
    date: z.string().min(1, "Choose a day").pipe(localDateSchema),
    allDay: z.literal("on").optional(),
    startTime: z.string().optional(),
    endTime: z.string().optional(),
  })
  .superRefine((offer, ctx) => {
    if (offer.allDay) return;
    if (!time.safeParse(offer.startTime ?? "").success) ctx.addIssue({ code: "custom", path: ["startTime"], message: "Enter a start time, or choose All day" });
    if (!time.safeParse(offer.endTime ?? "").success) ctx.addIssue({ code: "custom", path: ["endTime"], message: "Enter an end time" });
    else if (offer.startTime && offer.endTime && offer.endTime <= offer.startTime) ctx.addIssue({ code: "custom", path: ["endTime"], message: "The end must be after the start" });
  });

const AnswerSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("accept"),
    offerId: z.string().uuid(),
    title: z
      .string({ required_error: "Give the task a short title" })
      .trim()
      .min(1, "Give the task a short title")
      .max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters`),
  }),
  z.object({ intent: z.literal("decline"), offerId: z.string().uuid(), note: z.string().trim().max(500, "Keep the note under 500 characters").optional() }),
  z.object({ intent: z.literal("withdraw"), offerId: z.string().uuid() }),
]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCalendar(request, params, context);
  const { supabase, circle, headers } = access;
  const timeZone = circle.time_zone;
  const formData = await readForm(request);
  const values = Object.fromEntries([...formData].filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const back = (notice: string) => redirect(`/circles/${circle.id}/tasks/offers?notice=${notice}`, { headers });

  if (values.intent === "offer") {
    const parsed = OfferSchema.safeParse(values);
    const today = toLocalDate(new Date(), timeZone);
    const fieldErrors: Record<string, string[]> = parsed.success ? {} : (parsed.error.flatten().fieldErrors as Record<string, string[]>);
    if (parsed.success && parsed.data.date < today) fieldErrors.date = ["Choose today or a later day"];
    if (parsed.success && parsed.data.date > addDays(today, 730)) fieldErrors.date = ["Choose a day within the next two years"];
    if (!parsed.success || Object.keys(fieldErrors).length) {
      return data({ form: "offer", errors: { formErrors: [] as string[], fieldErrors }, values }, { status: 400, headers });
    }
    const offer = parsed.data;
    const startsAt = zonedInstant(offer.date, offer.allDay ? "00:00" : offer.startTime!, timeZone);
    const endsAt = offer.allDay ? zonedInstant(addDays(offer.date, 1), "00:00", timeZone) : zonedInstant(offer.date, offer.endTime!, timeZone);
    const result = await callCalendarRpc(supabase, "offer_help", {
      circle_id: circle.id,
      message: offer.message,
      kind: offer.kind,
      category: offer.category,
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
      all_day: Boolean(offer.allDay),
    });
    if (!result.ok) {
      const field = result.failure.key === "offer_in_past" ? "startTime" : result.failure.key === "category_not_allowed" ? "category" : null;
      const errors = field
        ? { formErrors: [] as string[], fieldErrors: { [field]: [result.failure.message] } }
        : { formErrors: [result.failure.message], fieldErrors: {} as Record<string, string[]> };
      return data({ form: "offer", errors, values }, { status: result.failure.status, headers });
    }
    return back("offered");
  }

  const parsed = AnswerSchema.safeParse(values);
  if (!parsed.success) {
    return data(
      { form: values.offerId ?? "answer", errors: { formErrors: [] as string[], fieldErrors: parsed.error.flatten().fieldErrors as Record<string, string[]> }, values },
      { status: 400, headers },
    );
  }
  const answer = parsed.data;
  const result =
    answer.intent === "accept"
      ? await callCalendarRpc(supabase, "accept_offer", { offer_id: answer.offerId, title: answer.title })
      : answer.intent === "decline"
        ? await callCalendarRpc(supabase, "decline_offer", { offer_id: answer.offerId, note: answer.note || null })
        : await callCalendarRpc(supabase, "withdraw_offer", { offer_id: answer.offerId });
  if (!result.ok) {
    const errors =
      result.failure.key === "invalid_title"
        ? { formErrors: [] as string[], fieldErrors: { title: [result.failure.message] } as Record<string, string[]> }
        : { formErrors: [result.failure.message], fieldErrors: {} as Record<string, string[]> };
    return data({ form: answer.offerId, errors, values }, { status: result.failure.status, headers });
  }
  if (answer.intent === "accept") {
    return redirect(`/circles/${circle.id}/tasks/${(result.data as { id: string }).id}?notice=created`, { headers });
  }
  return back(answer.intent === "decline" ? "declined" : "withdrawn");
}

const NOTICES: Record<string, string> = {
  offered: "Thank you! Your offer is sent. You'll see here when it is answered.",
  declined: "The offer is declined. The person who offered can read your note here.",
  withdrawn: "Your offer is withdrawn.",
};

const STATUS_WORDS: Record<OfferRow["status"], string> = {
  pending: "Waiting for an answer",
  accepted: "Accepted: it is on the calendar, claimed by you",
  declined: "Declined",
  withdrawn: "Withdrawn",
};

export default function Offers() {
  const { circleId, isOwner, canCreate, zone, today, categories, mine, toAnswer, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const base = `/circles/${circleId}`;
  const offerErrors = actionData?.form === "offer" ? actionData.errors : undefined;
  const offerValues = actionData?.form === "offer" ? actionData.values : undefined;
  const field = (name: string) => offerErrors?.fieldErrors[name];

  return (
    <div className="calendar-page">
      <div className="page-heading">
        <h1>{isOwner ? "Offers of help" : "Offer help"}</h1>
        <p className="muted">Times are in {zone}.</p>
      </div>
      <CalendarActions base={base} canCreate={canCreate} isOwner={isOwner} current="offers" />
      {notice && NOTICES[notice] ? <Notice>{NOTICES[notice]}</Notice> : null}

      {toAnswer.length > 0 || canCreate ? (
        <section aria-labelledby="answer-heading">
          <h2 id="answer-heading">Offers waiting for an answer</h2>
          {toAnswer.length === 0 ? (
            <p className="muted">No offers are waiting.</p>
          ) : (
            <ul className="task-list">
              {toAnswer.map((offer) => {
                const error = actionData?.form === offer.id ? actionData.errors : undefined;
                const answered = actionData?.form === offer.id ? actionData.values : undefined;
                // A title error sits under the title; anything else about this offer above its forms.
                const { title: titleErrors, ...otherFieldErrors } = error?.fieldErrors ?? {};
                const otherErrors = [...(error?.formErrors ?? []), ...Object.values(otherFieldErrors).flat()];
                return (
                  <li key={offer.id} className="task-card task-card--open">
                    <h3 className="task-card-title">
                      {offer.who} offers: “{offer.message}”
                    </h3>
                    <p className="task-card-when">{offer.when}</p>
                    <p className="task-card-meta">
                      {KIND_LABELS[offer.kind]} · {CATEGORY_WORDS[offer.category].label}
                    </p>
                    <ErrorList errors={otherErrors} />
                    <div className="member-actions">
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="offerId" value={offer.id} />
                        <Field
                          label="Title on the calendar"
                          hint={`A few words for the calendar, such as “Ride” or “Lawn and gutters”. ${offer.who}’s words stay in the task’s notes.`}
                          errors={titleErrors}
                          inputProps={{
                            name: "title",
                            id: `title-${offer.id}`,
                            required: true,
                            maxLength: TITLE_MAX,
                            defaultValue: answered?.intent === "accept" ? (answered.title ?? "") : KIND_LABELS[offer.kind],
                          }}
                        />
                        <button type="submit" name="intent" value="accept" className="button button-small" disabled={busy}>
                          Accept<span className="visually-hidden"> the offer from {offer.who}</span>
                        </button>
                      </Form>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="offerId" value={offer.id} />
                        <div className="field">
                          <label htmlFor={`note-${offer.id}`}>A kind word (optional)</label>
                          <input id={`note-${offer.id}`} name="note" maxLength={500} placeholder="Thank you, we're covered that day!" />
                        </div>
                        <button type="submit" name="intent" value="decline" className="button button-quiet" disabled={busy}>
                          Decline<span className="visually-hidden"> the offer from {offer.who}</span>
                        </button>
                      </Form>
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      ) : null}

      {!isOwner ? (
        <section aria-labelledby="offer-heading" className="panel">
          <h2 id="offer-heading">Offer help</h2>
          <p>Say what you could do and when. The person or a coordinator will answer; if they accept, it goes on the calendar as yours.</p>
          <Form method="post" className="stack" aria-describedby="offer-errors">
            <FormErrorSummary id="offer-errors" errors={offerErrors?.formErrors} />
            <input type="hidden" name="intent" value="offer" />
            <div className="field">
              <label htmlFor="offer-message">What you can do</label>
              <p id="offer-message-hint" className="field-hint">
                For example “I can bring dinner on Thursday”.
              </p>
              <textarea
                id="offer-message"
                name="message"
                maxLength={500}
                required
                defaultValue={offerValues?.message ?? ""}
                aria-invalid={field("message") ? true : undefined}
                aria-describedby={field("message") ? "offer-message-hint offer-message-error" : "offer-message-hint"}
              />
              <ErrorList id="offer-message-error" errors={field("message")} />
            </div>
            <div className="field-row">
              <SelectField
                label="Kind of help"
                errors={field("kind")}
                options={TASK_KINDS.map((value) => ({ value, label: KIND_LABELS[value] }))}
                placeholder="Choose…"
                selectProps={{ name: "kind", id: "offer-kind", required: true, defaultValue: offerValues?.kind ?? "" }}
              />
              {categories.length > 1 ? (
                <SelectField
                  label="Shared as"
                  errors={field("category")}
                  options={categories.map((value) => ({ value, label: CATEGORY_WORDS[value].label }))}
                  selectProps={{ name: "category", id: "offer-category", defaultValue: offerValues?.category ?? "practical" }}
                />
              ) : (
                <input type="hidden" name="category" value={categories[0]} />
              )}
            </div>
            <div className="field-row">
              <Field
                label="Day"
                errors={field("date")}
                inputProps={{ name: "date", id: "offer-date", type: "date", required: true, min: today, defaultValue: offerValues?.date ?? "" }}
              />
              <Field
                label="From"
                errors={field("startTime")}
                inputProps={{ name: "startTime", id: "offer-start", type: "time", defaultValue: offerValues?.startTime ?? "" }}
              />
              <Field
                label="Until"
                errors={field("endTime")}
                inputProps={{ name: "endTime", id: "offer-end", type: "time", defaultValue: offerValues?.endTime ?? "" }}
              />
            </div>
            <div className="checkbox-field">
              <input id="offer-all-day" type="checkbox" name="allDay" defaultChecked={offerValues?.allDay === "on"} />
              <label htmlFor="offer-all-day">Any time that day</label>
            </div>
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy}>
                Send the offer
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {mine.length > 0 ? (
        <section aria-labelledby="mine-heading">
          <h2 id="mine-heading">Your offers</h2>
          <ul className="task-list">
            {mine.map((offer) => (
              <li key={offer.id} className="task-card">
                <h3 className="task-card-title">“{offer.message}”</h3>
                <p className="task-card-when">{offer.when}</p>
                <p className="task-card-who">
                  {STATUS_WORDS[offer.status]}
                  {offer.response_note ? `. A note for you: “${offer.response_note}”` : ""}
                </p>
                {offer.status === "accepted" && offer.task_id ? (
                  <p>
                    <a href={`${base}/tasks/${offer.task_id}`}>See the task</a>
                  </p>
                ) : null}
                {offer.status === "pending" ? (
                  <Form method="post">
                    <input type="hidden" name="offerId" value={offer.id} />
                    <button type="submit" name="intent" value="withdraw" className="button button-quiet" disabled={busy}>
                      Withdraw<span className="visually-hidden"> this offer</span>
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
