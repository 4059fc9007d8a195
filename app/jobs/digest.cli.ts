/**
 * `npm run digest`: the email job once (immediate notices, day-before reminders, digests that are due).
 *
 *   npm run digest                      send what is due now
 *   npm run digest -- --dry-run         print who would get what; write and send nothing
 *   npm run digest -- --now             ignore the schedule: everyone whose digest is not off gets
 *                                       today's (still once per day and member)
 *   npm run digest -- --at 2026-03-09T08:00:00Z   run as if it were that time (tests, catching up)
 *   npm run digest -- --circle <id>     only that circle (repeatable)
 *
 * Reads .env like the server. Needs SUPABASE_SECRET_KEY; sends through Resend when
 * RESEND_API_KEY is set, else to the local mailbox. Without SUPABASE_URL it runs against the stack of
 * `npm run dev` (its well-known local keys). Exits 1 on failure, with the reason.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
if (existsSync(path.join(root, ".env"))) process.loadEnvFile(path.join(root, ".env"));

const { values } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    now: { type: "boolean", default: false },
    at: { type: "string" },
    circle: { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

async function main() {
  if (values.help) {
    console.info("Usage: npm run digest -- [--dry-run] [--now] [--at <ISO time>] [--circle <id>]...");
    return;
  }
  const at = z.string().datetime({ offset: true }).optional().safeParse(values.at);
  if (!at.success) throw new Error("--at takes an ISO time with its offset, such as 2026-03-09T08:00:00Z");
  const circles = z.array(z.string().uuid()).safeParse(values.circle ?? []);
  if (!circles.success) throw new Error("--circle takes a circle's id (a uuid)");
  if (!process.env.SUPABASE_URL) {
    const { devAppEnv } = await import("../../supabase/local/config");
    for (const [name, value] of Object.entries(devAppEnv())) process.env[name] ??= value;
    console.info(`No SUPABASE_URL: using the local stack of \`npm run dev\` at ${process.env.SUPABASE_URL}.`);
  }
  // Imported after .env is loaded: the modules read the environment on first use.
  const { runEmailJob } = await import("~/jobs/email-job.server");
  const dryRun = values["dry-run"];
  const report = await runEmailJob({
    now: at.data ? new Date(at.data) : undefined,
    dryRun,
    force: values.now,
    circleIds: circles.data,
    log: (line) => console.info(line),
    onDryRun: (entry) => console.info(`would send ${entry.kind.padEnd(13)} to ${entry.to}  ${entry.subject}  (${entry.summary})`),
  });
  const line = (name: string, t: (typeof report)["digests"]) =>
    `${name.padEnd(10)} considered ${t.considered}, sent ${t.sent}, empty ${t.empty}, already taken ${t.taken}, refused ${t.rejected}, to retry ${t.retry}`;
  console.info(
    [
      dryRun ? "Dry run: nothing was written or sent." : `Done in ${report.ms} ms, ${report.batches.length} batch(es).`,
      line("recovered", report.recover),
      line("notices", report.notices),
      line("reminders", report.reminders),
      line("digests", report.digests),
      `${"pushes".padEnd(10)} considered ${report.pushes.considered}, sent ${report.pushes.sent}, already taken ${report.pushes.taken}, ` +
        `subscription gone ${report.pushes.gone}, refused ${report.pushes.rejected}, to retry ${report.pushes.retry}`,
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
