import { Form, useNavigation } from "@remix-run/react";
import { useId } from "react";
import { ErrorList, FormErrorSummary, type FormErrors } from "~/components/forms";
import { CHECK_IN_COLOURS, CHECK_IN_NOTE_MAX, CHECK_IN_WORDS, type CheckInColour } from "~/updates";
import updatesStyles from "~/styles/updates.css?url";

/** Add to the `links` of any route that shows the check-in card or update cards. */
export const updatesStylesheet = { rel: "stylesheet", href: updatesStyles } as const;

export type CheckInValues = { colour?: string; note?: string; reachOut?: string[]; onlyReachOut?: boolean };

/**
 * The person's check-in in two taps: a colour, then "Share check-in". The line, the people to ask to
 * reach out and "only them" are optional. Posts to /circles/:circleId/check-in, so it works the same
 * on the circle's home page and on the check-in page, with or without JavaScript.
 */
export function CheckInCard({
  circleId,
  reachOutChoices,
  paused = false,
  errors,
  values,
  headingLevel = 2,
}: {
  circleId: string;
  /** Members holding wellbeing: the only ones who may be asked (from reachOutChoices on the server). */
  reachOutChoices: ReadonlyArray<{ id: string; title: string }>;
  paused?: boolean;
  errors?: FormErrors;
  values?: CheckInValues;
  headingLevel?: 1 | 2;
}) {
  const id = useId();
  const navigation = useNavigation();
  const action = `/circles/${circleId}/check-in`;
  const busy = navigation.state === "submitting" && navigation.formAction === action;
  const Heading = headingLevel === 1 ? "h1" : "h2";
  const asked = values?.reachOut ?? [];
  const fieldErrors = errors?.fieldErrors ?? {};

  return (
    <section className="check-in-card" aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`}>How are you today?</Heading>
      <Form method="post" action={action} aria-describedby={`${id}-errors`}>
        <FormErrorSummary id={`${id}-errors`} errors={errors?.formErrors} />
        <fieldset className="check-in-colours" aria-describedby={fieldErrors.colour ? `${id}-colour-error` : undefined}>
          <legend>Choose a colour</legend>
          <div className="check-in-options">
            {CHECK_IN_COLOURS.map((colour: CheckInColour) => (
              <div key={colour} className={`check-in-option check-in-${colour}`}>
                <input
                  id={`${id}-${colour}`}
                  type="radio"
                  name="colour"
                  value={colour}
                  required
                  defaultChecked={values?.colour === colour}
                />
                <label htmlFor={`${id}-${colour}`}>
                  <span aria-hidden="true" className="check-in-dot" />
                  <span className="check-in-label">{CHECK_IN_WORDS[colour].label}</span>
                  <span className="check-in-meaning">{CHECK_IN_WORDS[colour].meaning}</span>
                </label>
              </div>
            ))}
          </div>
          <ErrorList id={`${id}-colour-error`} errors={fieldErrors.colour} />
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-note`}>
            A line about it <span className="muted">(optional)</span>
          </label>
          <input
            id={`${id}-note`}
            name="note"
            maxLength={CHECK_IN_NOTE_MAX}
            defaultValue={values?.note}
            aria-invalid={fieldErrors.note ? true : undefined}
            aria-describedby={fieldErrors.note ? `${id}-note-error` : undefined}
          />
          <ErrorList id={`${id}-note-error`} errors={fieldErrors.note} />
        </div>

        {reachOutChoices.length > 0 ? (
          <details className="check-in-reach-out" open={asked.length > 0 || Boolean(fieldErrors.reachOut)}>
            <summary>Ask someone to reach out</summary>
            <fieldset aria-describedby={`${id}-reach-hint${fieldErrors.reachOut ? ` ${id}-reach-error` : ""}`}>
              <legend className="visually-hidden">People to ask to reach out</legend>
              <p id={`${id}-reach-hint`} className="field-hint">
                They get an email at once asking them to get in touch. It says nothing about how you are.
              </p>
              <ul className="choice-list">
                {reachOutChoices.map((member) => (
                  <li key={member.id} className="choice">
                    <input
                      id={`${id}-ask-${member.id}`}
                      type="checkbox"
                      name="reachOut"
                      value={member.id}
                      defaultChecked={asked.includes(member.id)}
                    />
                    <label htmlFor={`${id}-ask-${member.id}`}>{member.title}</label>
                  </li>
                ))}
              </ul>
              <div className="choice check-in-only">
                <input
                  id={`${id}-only`}
                  type="checkbox"
                  name="onlyReachOut"
                  value="on"
                  defaultChecked={values?.onlyReachOut}
                />
                <label htmlFor={`${id}-only`}>Share this check-in only with the people I ticked</label>
              </div>
              <ErrorList id={`${id}-reach-error`} errors={fieldErrors.reachOut} />
            </fieldset>
          </details>
        ) : null}

        {paused ? (
          <p className="field-hint">
            Take a break is on: this check-in stays private until you turn it off. People you ask to reach out
            still get their email.
          </p>
        ) : (
          <p className="field-hint">Shared as a wellbeing update, with the people who see your wellbeing updates.</p>
        )}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Sharing…" : "Share check-in"}
          </button>
        </div>
      </Form>
    </section>
  );
}
