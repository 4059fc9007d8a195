import { useId } from "react";
import type { InputHTMLAttributes, ReactNode } from "react";

export type ListOfErrors = Array<string | null | undefined> | null | undefined;

/** Field and form errors as returned by our actions: zod's flatten() shape. */
export type FormErrors<Field extends string = string> = {
  formErrors: string[];
  fieldErrors: Partial<Record<Field, string[] | undefined>>;
};

export function ErrorList({ id, errors }: { id?: string; errors?: ListOfErrors }) {
  const messages = errors?.filter(Boolean);
  if (!messages?.length) return null;
  return (
    <ul id={id} className="error-list">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/** A labelled input whose errors sit right below it and are announced with it. */
export function Field({
  label,
  hint,
  errors,
  inputProps,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: ListOfErrors;
  inputProps: InputHTMLAttributes<HTMLInputElement> & { name: string };
}) {
  const fallbackId = useId();
  const id = inputProps.id ?? fallbackId;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.some(Boolean) ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={describedBy}
        {...inputProps}
      />
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

/** The email field of the account forms (sign in, sign up, sign-in link, password reset). */
export function EmailField({ errors, defaultValue }: { errors?: ListOfErrors; defaultValue?: string }) {
  return (
    <Field
      label="Email"
      errors={errors}
      inputProps={{ name: "email", type: "email", autoComplete: "email", required: true, defaultValue }}
    />
  );
}

/** Errors about the whole form (wrong credentials, rate limit), announced when they appear. */
export function FormErrorSummary({ id, errors }: { id: string; errors?: ListOfErrors }) {
  const messages = errors?.filter(Boolean);
  return (
    <div id={id} role="alert" className={messages?.length ? "form-errors" : undefined}>
      {messages?.length ? <ErrorList errors={messages} /> : null}
    </div>
  );
}
