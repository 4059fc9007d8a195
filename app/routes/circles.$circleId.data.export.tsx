import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireCircle } from "~/circles.server";
import { exportFileName } from "~/updates";
import { outcome } from "~/updates.server";

// The person's export: GET downloads the whole circle as one JSON file (export_circle, owner only).

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, isOwner } = await requireCircle(request, params, context);
  // A file route has no page to show a refusal in: "Your data" refuses with the app's error page.
  if (!isOwner) throw redirect(`/circles/${circle.id}/data`, { headers });
  const result = outcome("export_circle", await supabase.rpc("export_circle", { circle_id: circle.id }));
  if (!result.ok) throw new Response(result.failure.message, { status: result.failure.status, headers });
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Content-Disposition", `attachment; filename="${exportFileName(circle.name, new Date())}"`);
  // Personal data: never kept by a browser or proxy cache.
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(result.data, null, 2), { status: 200, headers });
}
