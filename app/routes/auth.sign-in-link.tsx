import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import {
  anonymousOnlyLoader,
  authRateLimited,
  checkRateLimit,
  confirmUrl,
  formError,
  isServiceError,
  isUnknownAccountError,
} from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmailField, FormErrorSummary } from "~/components/forms";
import { rules } from "~/rate-limit.server";
import { safeRedirect } from "~/safe-redirect";
import { createSupabaseServerClient } from "~/supabase.server";
import { EmailSchema, formObject, readForm, RedirectToSchema } from "~/validation";

const SignInLinkSchema = z.object({
  email: EmailSchema,
  redirectTo: RedirectToSchema,
});

export const meta: MetaFunction = () => [{ title: "Email me a sign-in link · Circle" }];

export const loader = anonymousOnlyLoader;

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const values = { email: String(formData.get("email") ?? "") };
  const submission = SignInLinkSchema.safeParse(formObject(formData));
  if (!submission.success) {
    return data({ errors: submission.error.flatten(), values }, { status: 400 });
  }
  const { email } = submission.data;
  const next = safeRedirect(submission.data.redirectTo);

  const limited = checkRateLimit(rules.signInLink, context, email, values);
  if (limited) return limited;

  const { supabase, headers } = createSupabaseServerClient(request);
  const { error } = await supabase.auth.signInWithOtp({
    email,
    // Links sign in existing accounts only: creating an account asks for a name, on /auth/sign-up.
    options: { shouldCreateUser: false, emailRedirectTo: confirmUrl(next) },
  });
  const limitedByAuth = error && authRateLimited(error, values);
  if (limitedByAuth) return limitedByAuth;
  // An unknown address gets the same answer as a known one, so the form reveals no accounts.
  if (error && !isUnknownAccountError(error)) {
    if (isServiceError(error)) console.error("sign-in link failed", error);
    return formError("We couldn't send the link just now. Please try again in a moment.", values, {
      status: isServiceError(error) ? 503 : 400,
    });
  }
  return data({ sent: true as const, email }, { headers });
}

export default function SignInLink() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (actionData && "sent" in actionData) {
    return (
      <div className="auth-card" role="status">
        <h1>Check your email</h1>
        <p>
          If there is an account for <strong>{actionData.email}</strong>, a sign-in link is on its
          way. It works once and expires soon.
        </p>
        <p>
          Nothing after a few minutes? Check your spam folder and the spelling of your address, or{" "}
          <Link to="/auth/sign-up">create an account</Link>.
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
      <h1>Email me a sign-in link</h1>
      <p>We&apos;ll send you a link that signs you in, no password needed.</p>
      <Form method="post" className="stack">
        <FormErrorSummary id="sign-in-link-errors" errors={errors?.formErrors} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <EmailField errors={errors?.fieldErrors.email} defaultValue={actionData?.values.email} />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Sending…" : "Send the link"}
          </button>
        </div>
      </Form>
      <div className="form-links">
        <p>
          <Link to={signInHref}>Sign in with a password instead</Link>
        </p>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
