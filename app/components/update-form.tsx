import { Form, useNavigation } from "@remix-run/react";
import { useId } from "react";
import { SelectField } from "~/components/choices";
import { ErrorList, FormErrorSummary, type FormErrors } from "~/components/forms";
import { CATEGORY_WORDS, categoryList, type Category } from "~/consent";
import { MOOD_WORDS, MOODS, UPDATE_MAX, type UpdateFormValues } from "~/updates";

/** A textarea with the same habits as forms.tsx's Field: label, hint and errors tied to it. */
export function TextAreaField({
  label,
  hint,
  errors,
  name,
  defaultValue,
  maxLength,
  rows = 6,
  required = true,
}: {
  label: string;
  hint?: string;
  errors?: string[];
  name: string;
  defaultValue?: string;
  /** Said in the hint; not enforced by the browser, which would cut a paste silently. */
  maxLength: number;
  rows?: number;
  required?: boolean;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p id={hintId} className="field-hint">
        {hint ? `${hint} ` : ""}Up to {maxLength.toLocaleString("en")} characters.
      </p>
      <textarea
        id={id}
        name={name}
        rows={rows}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
      />
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

export type AudienceOption = { id: string; title: string; categories: Category[] };

/**
 * Post (the person), draft (a coordinator) or edit an update. The person may narrow the audience; a
 * coordinator's draft is shared as the person decides when approving it.
 */
export function UpdateForm({
  categories,
  audienceOptions,
  values,
  errors,
  submitLabel,
  busyLabel,
  bodyRequired = true,
}: {
  categories: Category[];
  /** Null: no audience choice (coordinators). */
  audienceOptions: AudienceOption[] | null;
  values: UpdateFormValues;
  errors?: FormErrors;
  submitLabel: string;
  busyLabel: string;
  /** False for a check-in, whose words are optional. */
  bodyRequired?: boolean;
}) {
  const id = useId();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const fieldErrors = errors?.fieldErrors ?? {};
  return (
    <Form method="post" className="stack" aria-describedby={`${id}-errors`}>
      <FormErrorSummary id={`${id}-errors`} errors={errors?.formErrors} />
      <input type="hidden" name="intent" value="save" />
      <TextAreaField
        label="Your update"
        hint="Plain text. Line breaks are kept and web addresses become links."
        name="body"
        maxLength={UPDATE_MAX}
        defaultValue={values.body}
        errors={fieldErrors.body}
        rows={7}
        required={bodyRequired}
      />
      <SelectField
        label="Who may see it"
        hint="Members see an update only if you share this kind of news with them."
        errors={fieldErrors.category}
        options={categories.map((c) => ({ value: c, label: `${CATEGORY_WORDS[c].label}: ${CATEGORY_WORDS[c].forOwner}` }))}
        selectProps={{ name: "category", defaultValue: values.category, required: true }}
      />
      <SelectField
        label="Mood (wellbeing updates only)"
        errors={fieldErrors.mood}
        options={[
          { value: "", label: "No mood" },
          ...MOODS.map((m) => ({ value: String(m), label: `${m} of 5: ${MOOD_WORDS[m]}` })),
        ]}
        selectProps={{ name: "mood", defaultValue: values.mood }}
      />
      {audienceOptions ? (
        <fieldset className="choice-group" aria-describedby={`${id}-audience-hint${fieldErrors.audience ? ` ${id}-audience-error` : ""}`}>
          <legend>Only share with… (optional)</legend>
          <p id={`${id}-audience-hint`} className="field-hint">
            Leave everyone unticked to share with everyone who holds the kind of news chosen above. A person you
            tick sees it only if they hold that kind too.
          </p>
          {audienceOptions.length === 0 ? (
            <p className="muted">No one else is in your circle yet.</p>
          ) : (
            <ul className="choice-list">
              {audienceOptions.map((option) => (
                <li key={option.id} className="choice">
                  <input
                    id={`${id}-aud-${option.id}`}
                    type="checkbox"
                    name="audience"
                    value={option.id}
                    defaultChecked={values.audience.includes(option.id)}
                  />
                  <label htmlFor={`${id}-aud-${option.id}`}>
                    <span className="choice-label">{option.title}</span>
                    <span className="choice-description">sees {categoryList(option.categories).toLowerCase()}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <ErrorList id={`${id}-audience-error`} errors={fieldErrors.audience} />
        </fieldset>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </Form>
  );
}
