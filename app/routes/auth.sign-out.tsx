import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { createSupabaseServerClient } from "~/supabase.server";

// Signing out changes state, so only a POST does it; a GET just goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const { supabase, headers } = createSupabaseServerClient(request);
  // "local": this browser only; the person stays signed in on their other devices.
  // The cookies are cleared even if the auth server cannot be reached.
  await supabase.auth.signOut({ scope: "local" });
  return redirect("/", { headers });
}
