import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { startRecovery } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { safeRedirect } from "~/safe-redirect";
import { createSupabaseServerClient } from "~/supabase.server";

// The page every emailed auth link opens (Supabase's SSR pattern: our URL with token_hash and
// type). A `code` (PKCE) is accepted too, for Supabase's default email templates.
const ConfirmSchema = z.union([
  z.object({
    token_hash: z.string().min(1).max(1024),
    type: z.enum(["magiclink", "email", "recovery", "signup", "invite"]),
    next: z.string().optional(),
  }),
  z.object({
    code: z.string().min(1).max(1024),
    type: z.enum(["recovery"]).optional(),
    next: z.string().optional(),
  }),
]);

export const meta: MetaFunction = () => [
  { title: "Signing you in · Circle" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = ConfirmSchema.safeParse(params);
  const next = destination(params.next);
  const recovery = params.type === "recovery" || next === "/auth/reset-password";
  if (!parsed.success) return data({ recovery }, { status: 400 });

  const link = parsed.data;
  const { supabase, headers } = createSupabaseServerClient(request);
  const { data: result, error } =
    "token_hash" in link
      ? await supabase.auth.verifyOtp({ token_hash: link.token_hash, type: link.type })
      : await supabase.auth.exchangeCodeForSession(link.code);
  if (error || !result.user) return data({ recovery }, { status: 400, headers });

  if (recovery) {
    headers.append("Set-Cookie", await startRecovery(result.user.id));
    return redirect("/auth/reset-password", { headers });
  }
  return redirect(next, { headers });
}

/**
 * Where to go after verifying. We ask for links to `/auth/confirm?next=<path>`; an auth server
 * that passes that whole URL back as `next` (the local one does, as templates built on
 * `{{ .RedirectTo }}` do) is unwrapped here rather than looping through this page.
 */
function destination(next: string | undefined): string {
  let path = safeRedirect(next);
  for (let depth = 0; depth < 3; depth++) {
    const url = new URL(path, "http://app.invalid");
    if (url.pathname !== "/auth/confirm") return path;
    path = safeRedirect(url.searchParams.get("next"));
  }
  return "/";
}

export default function Confirm() {
  const { recovery } = useLoaderData<typeof loader>();
  return (
    <div className="auth-card">
      <h1>This link has expired</h1>
      <p>
        Links in our emails work once and only for a short time, so this one can&apos;t be used any
        more. That&apos;s fine: you can ask for a new one.
      </p>
      <p className="form-actions">
        {recovery ? (
          <Link to="/auth/forgot-password" className="button">
            Send a new password reset link
          </Link>
        ) : (
          <Link to="/auth/sign-in-link" className="button">
            Send a new sign-in link
          </Link>
        )}
        <Link to="/auth/sign-in">Sign in with a password</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
