import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { startRecovery } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getEnv } from "~/env.server";
import { safeRedirect } from "~/safe-redirect";
import { createSupabaseServerClient } from "~/supabase.server";
import { readForm } from "~/validation";

// The page every emailed auth link opens (Supabase's SSR pattern: our URL with token_hash and
// type). A `code` (PKCE) is accepted too, for Supabase's default email templates.
const ConfirmSchema = z.union([
  z.object({
    token_hash: z.string().min(1).max(1024),
    type: z.enum(["magiclink", "email", "recovery", "signup", "invite", "email_change"]),
    next: z.string().optional(),
  }),
  z.object({
    code: z.string().min(1).max(1024),
    type: z.enum(["recovery"]).optional(),
    next: z.string().optional(),
  }),
]);

export const meta: MetaFunction = () => [
  { title: "Continue · Circle" },
  { name: "robots", content: "noindex" },
];

type LinkPurpose = "sign-in" | "recovery" | "signup" | "email-change";

const PURPOSE_OF_TYPE: Partial<Record<string, LinkPurpose>> = { signup: "signup", email_change: "email-change" };

// Opening the link only shows a button: nothing is used up by a GET, because mail scanners and link
// previews open links before the person does, and a link works once. The button's POST verifies it.
export async function loader({ request }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = ConfirmSchema.safeParse(params);
  const recovery = isRecovery(params);
  if (!parsed.success) return data({ link: null, recovery }, { status: 400 });
  const purpose: LinkPurpose = recovery ? "recovery" : (PURPOSE_OF_TYPE[parsed.data.type ?? ""] ?? "sign-in");
  return data({ link: parsed.data, purpose, recovery });
}

export async function action({ request }: ActionFunctionArgs) {
  const fields = Object.fromEntries(await readForm(request));
  const parsed = ConfirmSchema.safeParse(fields);
  const recovery = isRecovery(fields);
  if (!parsed.success) return data({ expired: true, recovery }, { status: 400 });

  const link = parsed.data;
  const { supabase, headers } = createSupabaseServerClient(request);
  const { data: result, error } =
    "token_hash" in link
      ? await supabase.auth.verifyOtp({ token_hash: link.token_hash, type: link.type })
      : await supabase.auth.exchangeCodeForSession(link.code);
  // An email change is confirmed from both addresses: the first link answers without a session.
  if (!error && !result.user && "token_hash" in link && link.type === "email_change") {
    return data({ otherAddressNext: true as const }, { headers });
  }
  if (error || !result.user) return data({ expired: true, recovery }, { status: 400, headers });

  if (recovery) {
    headers.append("Set-Cookie", await startRecovery(result.user.id));
    return redirect("/auth/reset-password", { headers });
  }
  return redirect(destination(link.next), { headers });
}

function isRecovery(fields: Record<string, unknown>): boolean {
  return fields.type === "recovery" || destination(typeof fields.next === "string" ? fields.next : undefined) === "/auth/reset-password";
}

/**
 * Where to go after verifying. We ask for links to `/auth/confirm?next=<path>` (emailRedirectTo);
 * the email templates pass that whole URL back as `next` (`&next={{ .RedirectTo }}`), so an absolute
 * URL on our own origin is taken as its path, and our own confirm URL is unwrapped rather than
 * looping through this page. Anything else leads home.
 */
function destination(next: string | undefined): string {
  let path = ownPath(next);
  for (let depth = 0; depth < 3; depth++) {
    const url = new URL(path, "http://app.invalid");
    if (url.pathname !== "/auth/confirm") return path;
    path = ownPath(url.searchParams.get("next") ?? undefined);
  }
  return "/";
}

function ownPath(next: string | undefined): string {
  if (next && /^https?:\/\//i.test(next)) {
    const url = URL.canParse(next) ? new URL(next) : null;
    const own = new URL(getEnv().APP_URL).origin;
    return url && url.origin === own ? safeRedirect(url.pathname + url.search + url.hash) : "/";
  }
  return safeRedirect(next);
}

const BUTTON: Record<LinkPurpose, { heading: string; text: string; button: string }> = {
  "sign-in": { heading: "Sign in to Circle", text: "Press the button to finish signing in.", button: "Sign in" },
  signup: { heading: "Confirm your email address", text: "Press the button to confirm it and sign in.", button: "Confirm and sign in" },
  recovery: { heading: "Choose a new password", text: "Press the button to continue to your new password.", button: "Continue" },
  "email-change": {
    heading: "Confirm your new email address",
    text: "Press the button to confirm the change. Both your old and your new address need to confirm it.",
    button: "Confirm the change",
  },
};

export default function Confirm() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (result && "otherAddressNext" in result) {
    return (
      <div className="auth-card" role="status">
        <h1>One address confirmed</h1>
        <p>
          Now open the link we sent to your other email address. Your address changes once both are
          confirmed.
        </p>
      </div>
    );
  }
  if (!page.link || (result && "expired" in result)) {
    return <ExpiredLink recovery={result && "recovery" in result ? result.recovery : page.recovery} />;
  }
  const words = BUTTON[page.purpose];
  return (
    <div className="auth-card">
      <h1>{words.heading}</h1>
      <p>{words.text}</p>
      <Form method="post" className="form-actions">
        {Object.entries(page.link).map(([name, value]) =>
          value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />,
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? "One moment…" : words.button}
        </button>
      </Form>
    </div>
  );
}

function ExpiredLink({ recovery }: { recovery: boolean }) {
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
