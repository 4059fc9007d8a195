import { timingSafeEqual } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/env.server";
import { runEmailJob } from "~/jobs/email-job.server";

// POST /cron/digest: the email job (notices, reminders, digests) for a platform cron, or pg_cron through
// pg_net. Guarded by `Authorization: Bearer <CRON_SECRET>`; off (404) when CRON_SECRET is not set.
// Safe to call as often as wanted, and twice at once: the delivery log sends each email once. Answers
// with the job's report (JSON). `?dry-run=1` builds everything and sends nothing.
// The origin check is lifted for this path (security.server.ts): a cron sends no Origin.

// Platforms cut requests off after a few minutes: stop starting new pages after this; the next run goes on.
const TIME_BUDGET_MS = 240_000;

function authorised(request: Request, secret: string): boolean {
  const given = Buffer.from(request.headers.get("Authorization") ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function action({ request }: ActionFunctionArgs) {
  const { CRON_SECRET } = getEnv();
  if (!CRON_SECRET) return new Response("Not found", { status: 404 });
  if (!authorised(request, CRON_SECRET)) {
    return new Response("Unauthorized", { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="cron"' } });
  }
  const dryRun = new URL(request.url).searchParams.get("dry-run") === "1";
  const report = await runEmailJob({
    dryRun,
    timeBudgetMs: TIME_BUDGET_MS,
    log: (line) => console.info(`[email job] ${line}`),
  });
  console.info(`[email job] ${JSON.stringify(report)}`);
  return Response.json(report, { headers: { "Cache-Control": "no-store" } });
}

export function loader() {
  return new Response("Method not allowed: POST with the cron's bearer token.", {
    status: 405,
    headers: { Allow: "POST" },
  });
}
