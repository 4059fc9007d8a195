import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { safeRedirect } from "~/safe-redirect";
import { createSupabaseServerClient } from "~/supabase.server";
import { readForm } from "~/validation";

// Signing out changes state, so only a POST does it; a GET just goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  // e.g. back to an invitation opened while signed in with the wrong account.
  const redirectTo = safeRedirect((await readForm(request)).get("redirectTo"));
  const { supabase, headers } = createSupabaseServerClient(request);
  // "local": this browser only; the person stays signed in on their other devices.
  // The cookies are cleared even if the auth server cannot be reached.
  await supabase.auth.signOut({ scope: "local" });
  return redirect(redirectTo, { headers });
}
