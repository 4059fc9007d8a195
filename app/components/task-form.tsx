import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import { LOCATION_MAX, MAX_SLOTS, NOTES_MAX, TITLE_MAX, DIETARY_MAX, type TaskFormErrors, type TaskFormValues } from "~/calendar/task-form";
import { CONTACT_LABELS, CONTACT_PREFERENCES, KIND_LABELS, KINDS_WITH_CONTACT, TASK_KINDS, WEEKDAYS } from "~/calendar/words";
import { ChoiceGroup, SelectField } from "~/components/choices";
import { ErrorList, Field, FormErrorSummary } from "~/components/forms";
import { CATEGORY_WORDS, type Category } from "~/consent";

// The task form: one task, or a series (repeat daily or weekly). Every field is always in the page,
// so the form works without JavaScript; with it, the parts that do not apply fold away.

export type AudienceOption = { id: string; name: string };

function TextArea({
  name,
  label,
  hint,
  maxLength,
  defaultValue,
  errors,
}: {
  name: string;
  label: string;
  hint?: string;
  maxLength: number;
  defaultValue?: string;
  errors?: string[];
}) {
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = errors?.length ? `${name}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <textarea
        id={name}
        name={name}
        maxLength={maxLength}
        defaultValue={defaultValue}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
      />
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

const str = (values: TaskFormValues, key: string, fallback = "") => {
  const value = values[key];
  return typeof value === "string" ? value : fallback;
};
const list = (values: TaskFormValues, key: string) => {
  const value = values[key];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
};

export function TaskForm({
  mode,
  values,
  errors,
  categories,
  audience,
  zone,
  today,
  busy,
  submitLabel,
}: {
  /** new: one task or a series; one: edit one task; following: edit a series from a date on. */
  mode: "new" | "one" | "following";
  values: TaskFormValues;
  errors?: TaskFormErrors;
  categories: readonly Category[];
  audience: AudienceOption[];
  zone: string;
  today: string;
  busy: boolean;
  submitLabel: string;
}) {
  const field = (name: string) => errors?.fieldErrors[name];
  const [kind, setKind] = useState(str(values, "kind", "other"));
  const [allDay, setAllDay] = useState(str(values, "allDay") === "on");
  const [repeat, setRepeat] = useState(str(values, "repeat", mode === "following" ? "weekly" : "none"));
  const [ends, setEnds] = useState(str(values, "ends", "until"));
  // Before hydration (or without JavaScript) every field shows; afterwards only those that apply.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const shows = (applies: boolean) => !hydrated || applies;
  const withContact = (KINDS_WITH_CONTACT as readonly string[]).includes(kind);

  return (
    <Form method="post" className="stack task-form" aria-describedby="task-form-errors" noValidate>
      <FormErrorSummary id="task-form-errors" errors={errors?.formErrors} />
      <Field
        label="What is needed"
        hint="For example “Dinner drop-off” or “Ride to group”."
        errors={field("title")}
        inputProps={{ name: "title", id: "title", required: true, maxLength: TITLE_MAX, defaultValue: str(values, "title") }}
      />
      <div className="field-row">
        <SelectField
          label="Kind of help"
          errors={field("kind")}
          options={TASK_KINDS.map((value) => ({ value, label: KIND_LABELS[value] }))}
          selectProps={{ name: "kind", id: "kind", value: kind, onChange: (event) => setKind(event.currentTarget.value) }}
        />
        <SelectField
          label="Who may see it"
          hint="Members who hold this category see the task."
          errors={field("category")}
          options={categories.map((value) => ({ value, label: `${CATEGORY_WORDS[value].label}: ${CATEGORY_WORDS[value].forMember}` }))}
          selectProps={{ name: "category", id: "category", defaultValue: str(values, "category", "practical") }}
        />
      </div>

      <fieldset className="form-section">
        <legend>When</legend>
        {mode === "following" ? (
          <p className="field-hint">The changes apply from this date on; earlier ones stay as they are.</p>
        ) : null}
        <div className="field-row">
          <Field
            label={mode === "new" ? "Date (first date, if it repeats)" : mode === "following" ? "From" : "Date"}
            errors={field("date")}
            inputProps={{ name: "date", id: "date", type: "date", required: true, min: today, defaultValue: str(values, "date"), readOnly: mode === "following" }}
          />
          <Field
            label="Starts"
            hint={`${zone}`}
            errors={field("startTime")}
            inputProps={{ name: "startTime", id: "startTime", type: "time", defaultValue: str(values, "startTime"), disabled: hydrated && allDay }}
          />
          <Field
            label="Ends"
            errors={field("endTime")}
            inputProps={{ name: "endTime", id: "endTime", type: "time", defaultValue: str(values, "endTime"), disabled: hydrated && allDay }}
          />
        </div>
        <div className="checkbox-field">
          <input
            id="allDay"
            type="checkbox"
            name="allDay"
            checked={allDay}
            onChange={(event) => setAllDay(event.currentTarget.checked)}
          />
          <label htmlFor="allDay">All day (no particular time)</label>
        </div>

        {mode !== "one" ? (
          <div className="stack">
            <ChoiceGroup
              type="radio"
              legend="Repeats"
              name="repeat"
              errors={field("repeat")}
              checked={[repeat]}
              onToggle={(value, on) => on && setRepeat(value)}
              options={[
                ...(mode === "new" ? [{ value: "none", label: "Does not repeat" }] : []),
                { value: "daily", label: "Every day, or every few days" },
                { value: "weekly", label: "On chosen days of the week" },
              ]}
            />
            {shows(repeat !== "none") ? (
              <>
                <Field
                  label={!hydrated ? "Every how many days or weeks" : repeat === "daily" ? "Every how many days" : "Every how many weeks"}
                  hint="1 for every day or every week, 2 for every other, and so on."
                  errors={field("repeatEvery")}
                  inputProps={{ name: "repeatEvery", id: "repeatEvery", type: "number", min: 1, max: 52, inputMode: "numeric", defaultValue: str(values, "repeatEvery", "1") }}
                />
                {shows(repeat === "weekly") ? (
                  <fieldset className="choice-group" aria-describedby={field("weekdays") ? "weekdays-error" : undefined}>
                    <legend>On{hydrated ? "" : " (weekly series)"}</legend>
                    <ul className="weekday-list choice-list">
                      {WEEKDAYS.map((day) => (
                        <li key={day.value} className="choice">
                          <input
                            id={`weekday-${day.value}`}
                            type="checkbox"
                            name="weekdays"
                            value={String(day.value)}
                            defaultChecked={list(values, "weekdays").includes(String(day.value))}
                          />
                          <label htmlFor={`weekday-${day.value}`}>{day.label}</label>
                        </li>
                      ))}
                    </ul>
                    <ErrorList id="weekdays-error" errors={field("weekdays")} />
                  </fieldset>
                ) : null}
                <ChoiceGroup
                  type="radio"
                  legend="Ends"
                  name="ends"
                  checked={[ends]}
                  onToggle={(value, on) => on && setEnds(value)}
                  options={[
                    { value: "until", label: "On a date" },
                    { value: "count", label: "After a number of times" },
                  ]}
                />
                <div className="field-row">
                  {shows(ends === "until") ? (
                    <Field
                      label="Last date"
                      errors={field("until")}
                      inputProps={{ name: "until", id: "until", type: "date", min: today, defaultValue: str(values, "until") }}
                    />
                  ) : null}
                  {shows(ends === "count") ? (
                    <Field
                      label="How many times"
                      errors={field("count")}
                      inputProps={{ name: "count", id: "count", type: "number", min: 1, max: 500, inputMode: "numeric", defaultValue: str(values, "count") }}
                    />
                  ) : null}
                </div>
              </>
            ) : null}
          </div>
        ) : null}
      </fieldset>

      <Field
        label="Where (optional)"
        errors={field("location")}
        inputProps={{ name: "location", id: "location", maxLength: LOCATION_MAX, defaultValue: str(values, "location"), autoComplete: "off" }}
      />
      <TextArea
        name="notes"
        label="Notes for the helpers (optional)"
        hint="What would help, a door code, what to bring."
        maxLength={NOTES_MAX}
        defaultValue={str(values, "notes")}
        errors={field("notes")}
      />
      <Field
        label="How many helpers are needed"
        errors={field("slots")}
        inputProps={{ name: "slots", id: "slots", type: "number", min: 1, max: MAX_SLOTS, inputMode: "numeric", required: true, defaultValue: str(values, "slots", "1") }}
      />

      {shows(withContact) ? (
        <fieldset className="form-section">
          <legend>For meals and visits</legend>
          <ChoiceGroup
            type="radio"
            legend="How would the person like helpers to come by?"
            name="contactPreference"
            errors={field("contactPreference")}
            checked={[str(values, "contactPreference")]}
            options={[
              { value: "", label: "No preference given" },
              ...CONTACT_PREFERENCES.map((value) => ({
                value,
                label: CONTACT_LABELS[value].label,
                description: CONTACT_LABELS[value].description,
              })),
            ]}
          />
          {shows(kind === "meal") ? (
            <Field
              label="Dietary needs (optional)"
              hint="Meals only. For example “vegetarian, no nuts”."
              errors={field("dietaryNeeds")}
              inputProps={{ name: "dietaryNeeds", id: "dietaryNeeds", maxLength: DIETARY_MAX, defaultValue: str(values, "dietaryNeeds") }}
            />
          ) : null}
        </fieldset>
      ) : null}

      {audience.length > 0 ? (
        <fieldset className="form-section">
          <legend>Only for some people (optional)</legend>
          <p className="field-hint">
            Leave all unticked for everyone who may see this category. If you tick names, only they see it (and only if they
            hold the category).
          </p>
          <ul className="choice-list">
            {audience.map((member) => (
              <li key={member.id} className="choice">
                <input
                  id={`audience-${member.id}`}
                  type="checkbox"
                  name="audience"
                  value={member.id}
                  defaultChecked={list(values, "audience").includes(member.id)}
                />
                <label htmlFor={`audience-${member.id}`}>{member.name}</label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}

      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </Form>
  );
}
