import { useEffect, useId, useRef } from "react";
import type { ComponentPropsWithRef, InputHTMLAttributes, ReactNode } from "react";
import { ErrorList, type ListOfErrors } from "~/components/forms";

// Selects and checkbox groups with the same habits as forms.tsx's Field: a visible label, the hint
// and the errors tied to the control with aria-describedby.

function describedBy(id: string, hint: ReactNode, errors: ListOfErrors) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.some(Boolean) ? `${id}-error` : undefined;
  return { hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined };
}

export function SelectField({
  label,
  hint,
  errors,
  options,
  placeholder,
  selectProps,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: ListOfErrors;
  options: ReadonlyArray<{ value: string; label: string }>;
  /** An empty first option ("Choose…"), for a required choice that has no sensible default. */
  placeholder?: string;
  selectProps: ComponentPropsWithRef<"select"> & { name: string };
}) {
  const fallbackId = useId();
  const id = selectProps.id ?? fallbackId;
  const ids = describedBy(id, hint, errors);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={ids.hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <select id={id} aria-invalid={ids.errorId ? true : undefined} aria-describedby={ids.describedBy} {...selectProps}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={ids.errorId} errors={errors} />
    </div>
  );
}

export type CheckboxOption = { value: string; label: ReactNode; description?: ReactNode };

/** A fieldset of checkboxes (or radios) sharing one name; the legend names the question. */
export function ChoiceGroup({
  type = "checkbox",
  legend,
  hint,
  errors,
  name,
  options,
  checked,
  onToggle,
  inputProps,
}: {
  type?: "checkbox" | "radio";
  legend: ReactNode;
  hint?: ReactNode;
  errors?: ListOfErrors;
  name: string;
  options: ReadonlyArray<CheckboxOption>;
  /** Controlled when onToggle is given; otherwise the initial state. */
  checked: ReadonlyArray<string>;
  onToggle?: (value: string, on: boolean) => void;
  inputProps?: InputHTMLAttributes<HTMLInputElement>;
}) {
  const id = useId();
  const ids = describedBy(id, hint, errors);
  return (
    <fieldset className="choice-group" aria-describedby={ids.describedBy}>
      <legend>{legend}</legend>
      {hint ? (
        <p id={ids.hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <ul className="choice-list">
        {options.map((option) => {
          const optionId = `${id}-${option.value}`;
          const on = checked.includes(option.value);
          return (
            <li key={option.value} className="choice">
              <input
                id={optionId}
                type={type}
                name={name}
                value={option.value}
                {...(onToggle
                  ? { checked: on, onChange: (event) => onToggle(option.value, event.currentTarget.checked) }
                  : { defaultChecked: on })}
                {...inputProps}
              />
              <label htmlFor={optionId}>
                <span className="choice-label">{option.label}</span>
                {option.description ? (
                  <span className="choice-description">
                    {option.description}
                  </span>
                ) : null}
              </label>
            </li>
          );
        })}
      </ul>
      <ErrorList id={ids.errorId} errors={errors} />
    </fieldset>
  );
}

/** A calm message after something worked (role=status), or an alert when it did not. */
export function Notice({ tone = "success", focus = false, children }: { tone?: "success" | "error"; focus?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  // After an action (a claim), keyboard and screen-reader users land on what it did.
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus, children]);
  if (tone === "error") {
    return (
      <div role="alert" className="form-errors">
        {children}
      </div>
    );
  }
  return (
    <div role="status" className="notice" ref={ref} tabIndex={focus ? -1 : undefined}>
      {children}
    </div>
  );
}
