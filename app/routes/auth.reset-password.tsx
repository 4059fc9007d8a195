import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { endRecovery, fieldError, formError, hasRecovery, isServiceError } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrorSummary } from "~/components/forms";
import { getOptionalUser } from "~/supabase.server";
import { formObject, NewPasswordSchema, readForm } from "~/validation";

const ResetPasswordSchema = z
  .object({
    password: NewPasswordSchema,
    confirmPassword: z.string({ required_error: "Please type the password again" }).min(1, "Please type the password again"),
  })
  .refine((values) => values.password === values.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords don't match",
  });

export const meta: MetaFunction = () => [{ title: "Choose a new password · Circle" }];

// The app changes a password only right after a password-reset link. The auth server holds the line
// for direct API calls: with secure_password_change (config.toml) a session signed in more than 24 hours
// ago needs the code of a reauthentication email; a sign-in within 24 hours, such as the reset link's
// own, does not (Supabase Auth's rule).
async function requireRecovery(request: Request, context: AppLoadContext) {
  const session = await getOptionalUser(request, context);
  if (!session.user || !(await hasRecovery(request, session.user.id))) return null;
  return { ...session, user: session.user };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const recovery = await requireRecovery(request, context);
  return data({ allowed: Boolean(recovery) }, { status: recovery ? 200 : 403 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const recovery = await requireRecovery(request, context);
  if (!recovery) return formError("This password reset link has expired. Please ask for a new one.", {}, { status: 403 });

  const formData = await readForm(request);
  const submission = ResetPasswordSchema.safeParse(formObject(formData));
  if (!submission.success) {
    return data({ errors: submission.error.flatten(), values: {} }, { status: 400 });
  }

  const { error } = await recovery.supabase.auth.updateUser({ password: submission.data.password });
  if (error) {
    if (error.code === "same_password") {
      return fieldError("password", "Please choose a password different from your old one.", {});
    }
    if (error.code === "weak_password") return fieldError("password", error.message, {});
    if (isServiceError(error)) console.error("password update failed", error);
    return formError("We couldn't change your password just now. Please try again.", {}, {
      status: isServiceError(error) ? 503 : 400,
      headers: recovery.headers,
    });
  }

  const headers = new Headers(recovery.headers);
  headers.append("Set-Cookie", await endRecovery());
  return data({ done: true as const }, { headers });
}

export default function ResetPassword() {
  const { allowed } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (actionData && "done" in actionData) {
    return (
      <div className="auth-card" role="status">
        <h1>Your password has been changed</h1>
        <p>You are signed in. Next time, sign in with your new password.</p>
        <p>
          <Link to="/" className="button">
            Continue
          </Link>
        </p>
      </div>
    );
  }

  if (!allowed) {
    return (
      <div className="auth-card">
        <h1>Reset link needed</h1>
        <p>
          To choose a new password, open the link from a password reset email. Links work once and
          expire after a short time.
        </p>
        <p>
          <Link to="/auth/forgot-password" className="button">
            Send me a reset link
          </Link>
        </p>
      </div>
    );
  }

  const errors = actionData?.errors;
  return (
    <div className="auth-card">
      <h1>Choose a new password</h1>
      <p>Pick something you haven&apos;t used here before.</p>
      <Form method="post" className="stack">
        <FormErrorSummary id="reset-password-errors" errors={errors?.formErrors} />
        <Field
          label="New password"
          hint="At least 8 characters."
          errors={errors?.fieldErrors.password}
          inputProps={{ name: "password", type: "password", autoComplete: "new-password", required: true, minLength: 8 }}
        />
        <Field
          label="Type it again"
          errors={errors?.fieldErrors.confirmPassword}
          inputProps={{ name: "confirmPassword", type: "password", autoComplete: "new-password", required: true }}
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Saving…" : "Save new password"}
          </button>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
