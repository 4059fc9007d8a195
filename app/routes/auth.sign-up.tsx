import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { anonymousOnlyLoader, authRateLimited, checkRateLimit, confirmUrl, fieldError, formError, isServiceError } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmailField, Field, FormErrorSummary } from "~/components/forms";
import { rules } from "~/rate-limit.server";
import { safeRedirect } from "~/safe-redirect";
import { createSupabaseServerClient } from "~/supabase.server";
import { DisplayNameSchema, EmailSchema, formObject, NewPasswordSchema, readForm, RedirectToSchema } from "~/validation";

const SignUpSchema = z.object({
  displayName: DisplayNameSchema,
  email: EmailSchema,
  password: NewPasswordSchema,
  redirectTo: RedirectToSchema,
});

export const meta: MetaFunction = () => [{ title: "Create an account · Circle" }];

export const loader = anonymousOnlyLoader;

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const values = {
    displayName: String(formData.get("displayName") ?? ""),
    email: String(formData.get("email") ?? ""),
  };
  const submission = SignUpSchema.safeParse(formObject(formData));
  if (!submission.success) {
    return data({ errors: submission.error.flatten(), values }, { status: 400 });
  }
  const { displayName, email, password } = submission.data;
  const redirectTo = safeRedirect(submission.data.redirectTo);

  const limited = checkRateLimit(rules.signUp, context, email, values);
  if (limited) return limited;

  const { supabase, headers } = createSupabaseServerClient(request);
  const { data: result, error } = await supabase.auth.signUp({
    email,
    password,
    // The display name is shown to others; it is never used to decide access.
    options: { data: { display_name: displayName }, emailRedirectTo: confirmUrl(redirectTo) },
  });

  if (error) {
    const limitedByAuth = authRateLimited(error, values);
    if (limitedByAuth) return limitedByAuth;
    if (error.code === "user_already_exists" || error.code === "email_exists") {
      return fieldError("email", "An account with this email already exists. Sign in instead?", values);
    }
    if (error.code === "weak_password") return fieldError("password", error.message, values);
    if (isServiceError(error)) console.error("sign-up failed", error);
    return formError("We couldn't create your account just now. Please try again in a moment.", values, {
      status: isServiceError(error) ? 503 : 400,
    });
  }

  // With email confirmation on (hosted Supabase), there is no session until the link is opened.
  if (!result.session) return data({ checkEmail: true as const, email }, { headers });
  return redirect(redirectTo, { headers });
}

export default function SignUp() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (actionData && "checkEmail" in actionData) {
    return (
      <div className="auth-card" role="status">
        <h1>Check your email</h1>
        <p>
          We sent a link to <strong>{actionData.email}</strong>. Open it to confirm your address and
          finish creating your account.
        </p>
      </div>
    );
  }

  const errors = actionData?.errors;
  const signInHref = redirectTo
    ? `/auth/sign-in?${new URLSearchParams({ redirectTo })}`
    : "/auth/sign-in";

  return (
    <div className="auth-card">
      <h1>Create an account</h1>
      <p>Start your own circle, or join one you were invited to.</p>
      <Form method="post" className="stack">
        <FormErrorSummary id="sign-up-errors" errors={errors?.formErrors} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field
          label="Your name"
          hint="How people in your circles will see you, e.g. “Maria” or “Sam from group”."
          errors={errors?.fieldErrors.displayName}
          inputProps={{
            name: "displayName",
            autoComplete: "name",
            required: true,
            maxLength: 60,
            defaultValue: actionData?.values.displayName,
          }}
        />
        <EmailField errors={errors?.fieldErrors.email} defaultValue={actionData?.values.email} />
        <Field
          label="Password"
          hint="At least 8 characters."
          errors={errors?.fieldErrors.password}
          inputProps={{
            name: "password",
            type: "password",
            autoComplete: "new-password",
            required: true,
            minLength: 8,
          }}
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Creating your account…" : "Create account"}
          </button>
        </div>
      </Form>
      <div className="form-links">
        <p>
          Already have an account? <Link to={signInHref}>Sign in</Link>
        </p>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
