import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { authRateLimited, checkRateLimit, confirmUrl, formError, isServiceError, isUnknownAccountError } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmailField, FormErrorSummary } from "~/components/forms";
import { rules } from "~/rate-limit.server";
import { createSupabaseServerClient } from "~/supabase.server";
import { EmailSchema, formObject, readForm } from "~/validation";

const ForgotPasswordSchema = z.object({ email: EmailSchema });

export const meta: MetaFunction = () => [{ title: "Reset your password · Circle" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const values = { email: String(formData.get("email") ?? "") };
  const submission = ForgotPasswordSchema.safeParse(formObject(formData));
  if (!submission.success) {
    return data({ errors: submission.error.flatten(), values }, { status: 400 });
  }
  const { email } = submission.data;

  const limited = checkRateLimit(rules.passwordReset, context, email, values);
  if (limited) return limited;

  const { supabase, headers } = createSupabaseServerClient(request);
  const { error } = await supabase.auth.resetPasswordForEmail(email, {
    redirectTo: confirmUrl("/auth/reset-password"),
  });
  const limitedByAuth = error && authRateLimited(error, values);
  if (limitedByAuth) return limitedByAuth;
  // Same answer whether or not the account exists.
  if (error && !isUnknownAccountError(error)) {
    if (isServiceError(error)) console.error("password reset failed", error);
    return formError("We couldn't send the email just now. Please try again in a moment.", values, {
      status: isServiceError(error) ? 503 : 400,
    });
  }
  return data({ sent: true as const, email }, { headers });
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (actionData && "sent" in actionData) {
    return (
      <div className="auth-card" role="status">
        <h1>Check your email</h1>
        <p>
          If there is an account for <strong>{actionData.email}</strong>, we sent a link to choose a
          new password. It works once and expires soon.
        </p>
        <p>
          <Link to="/auth/sign-in">Back to sign in</Link>
        </p>
      </div>
    );
  }

  const errors = actionData?.errors;
  return (
    <div className="auth-card">
      <h1>Reset your password</h1>
      <p>Enter the email you signed up with and we&apos;ll send you a link to choose a new password.</p>
      <Form method="post" className="stack">
        <FormErrorSummary id="forgot-password-errors" errors={errors?.formErrors} />
        <EmailField errors={errors?.fieldErrors.email} defaultValue={actionData?.values.email} />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Sending…" : "Send the link"}
          </button>
          <Link to="/auth/sign-in">Back to sign in</Link>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
