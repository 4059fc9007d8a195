import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { anonymousOnlyLoader, authRateLimited, checkRateLimit, formError, isServiceError } from "~/auth.server";
import { EmailField, Field, FormErrorSummary } from "~/components/forms";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { rules } from "~/rate-limit.server";
import { safeRedirect } from "~/safe-redirect";
import { createSupabaseServerClient } from "~/supabase.server";
import { EmailSchema, formObject, PasswordSchema, readForm, RedirectToSchema } from "~/validation";

const SignInSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  redirectTo: RedirectToSchema,
});

export const meta: MetaFunction = () => [{ title: "Sign in · Circle" }];

export const loader = anonymousOnlyLoader;

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const values = { email: String(formData.get("email") ?? "") };
  const submission = SignInSchema.safeParse(formObject(formData));
  if (!submission.success) {
    return data({ errors: submission.error.flatten(), values }, { status: 400 });
  }
  const { email, password, redirectTo } = submission.data;

  const limited = checkRateLimit(rules.signIn, context, email, values);
  if (limited) return limited;

  const { supabase, headers } = createSupabaseServerClient(request);
  const { error } = await supabase.auth.signInWithPassword({ email, password });
  if (error) {
    const limitedByAuth = authRateLimited(error, values);
    if (limitedByAuth) return limitedByAuth;
    if (isServiceError(error)) {
      console.error("sign-in failed", error);
      return formError("We couldn't sign you in just now. Please try again in a moment.", values, {
        status: 503,
      });
    }
    if (error.code === "email_not_confirmed") {
      return formError("Please confirm your email first: the link is in your inbox.", values, {
        status: 400,
      });
    }
    return formError("Email or password is incorrect", values, { status: 400 });
  }
  return redirect(safeRedirect(redirectTo), { headers });
}

export default function SignIn() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const errors = actionData?.errors;
  const withRedirect = (path: string) =>
    redirectTo ? `${path}?${new URLSearchParams({ redirectTo })}` : path;

  return (
    <div className="auth-card">
      <h1>Sign in</h1>
      <p>Welcome back. Sign in to see your circle.</p>
      <Form method="post" className="stack" aria-describedby="sign-in-errors">
        <FormErrorSummary id="sign-in-errors" errors={errors?.formErrors} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <EmailField errors={errors?.fieldErrors.email} defaultValue={actionData?.values.email} />
        <Field
          label="Password"
          errors={errors?.fieldErrors.password}
          inputProps={{
            name: "password",
            type: "password",
            autoComplete: "current-password",
            required: true,
          }}
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <Link to={withRedirect("/auth/forgot-password")}>Forgot your password?</Link>
        </div>
      </Form>
      <div className="form-links">
        <p>
          Prefer no password? <Link to={withRedirect("/auth/sign-in-link")}>Email me a sign-in link</Link>
        </p>
        <p>
          New here? <Link to={withRedirect("/auth/sign-up")}>Create an account</Link>
        </p>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
