// npm run bench:lighthouse: Lighthouse 12's mobile preset (simulated slow 4G, 4x CPU slowdown) on each
// page a helper meets, against the production build serving the demo circle, signed in as Elena (a
// coordinator) where the page needs it. Prints one line per page:
//   lighthouse <page>: performance N, accessibility N, best-practices N, LCP N ms, TBT N ms
// Target: performance at least 95 on every page, accessibility and best practices 100.
//
// Starts a private local stack (fresh database with supabase/seed.sql; your dev stack is not touched),
// builds the app (--no-build reuses build/) and runs the system Chromium (CHROMIUM_PATH).

import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import lighthouse from "lighthouse";
import pg from "pg";
import { freePort, waitFor } from "../../supabase/local/net";
import { benchDir } from "./seed";
import { buildApp, signIn, startApp } from "./app-process";
import { startStackProcess } from "./stack-process";

const root = path.resolve(import.meta.dirname, "../..");
const BUILD = !process.argv.includes("--no-build");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CIRCLE = "00000000-0000-4000-b000-000000000001";
const DEMO_PASSWORD = "recovery-circle-demo";

async function startChromium() {
  const port = await freePort();
  const dir = await benchDir("bench-lighthouse-chromium-");
  const child = spawn(
    CHROMIUM,
    [
      "--headless=new",
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${dir}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "about:blank",
    ],
    { stdio: "ignore" },
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/json/version`).catch(() => null))?.ok === true, {
    timeoutMs: 20_000,
    what: "Chromium",
  });
  return {
    port,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  if (BUILD) buildApp();
  const dir = await benchDir("bench-lighthouse-");
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  console.log("starting a private local stack with the demo circle ...");
  const stack = await startStackProcess(path.join(dir, "db"), appUrl);
  const db = new pg.Client(stack.databaseUrl);
  await db.connect();
  await db.query(await readFile(path.join(root, "supabase/seed.sql"), "utf8"));
  const task = (
    await db.query<{ id: string }>(
      `select id from public.tasks where circle_id = $1 and category = 'practical' and starts_at > now() order by starts_at limit 1`,
      [CIRCLE],
    )
  ).rows[0];
  await db.end();

  const app = await startApp(stack, appUrl, appPort);
  const chromium = await startChromium();
  try {
    const cookie = await signIn(appUrl, "elena@demo.test", DEMO_PASSWORD);
    const base = `/circles/${CIRCLE}`;
    const pages: Array<[name: string, path: string, signedIn: boolean]> = [
      ["landing", "/", false],
      ["sign-in", "/auth/sign-in", false],
      ["your circles", "/circles", true],
      ["circle home", base, true],
      ["calendar (month)", `${base}/calendar`, true],
      ["task list", `${base}/tasks`, true],
      ["a task", `${base}/tasks/${task.id}`, true],
      ["updates", `${base}/updates`, true],
      ["members", `${base}/members`, true],
      ["notifications", `${base}/notifications`, true],
    ];
    let ok = true;
    for (const [name, pagePath, signedIn] of pages) {
      const result = await lighthouse(
        `${appUrl}${pagePath}`,
        {
          port: chromium.port,
          output: "json",
          logLevel: "error",
          onlyCategories: ["performance", "accessibility", "best-practices"],
          extraHeaders: signedIn ? { Cookie: cookie } : undefined,
        },
        // The default config is the mobile preset: a phone's screen, slow 4G and a 4x slower CPU, simulated.
      );
      if (!result) throw new Error(`lighthouse returned nothing for ${name}`);
      const { categories, audits, finalDisplayedUrl, runtimeError } = result.lhr;
      if (runtimeError) throw new Error(`lighthouse could not measure ${name}: ${runtimeError.code} ${runtimeError.message}`);
      if (new URL(finalDisplayedUrl).pathname !== new URL(`${appUrl}${pagePath}`).pathname) {
        throw new Error(`${name} ended on ${finalDisplayedUrl}: not signed in?`);
      }
      const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
      const millis = (id: string) => Math.round(audits[id]?.numericValue ?? NaN);
      const [performance, accessibility, bestPractices] = [score("performance"), score("accessibility"), score("best-practices")];
      ok &&= performance >= 95 && accessibility === 100 && bestPractices === 100;
      console.log(
        `lighthouse ${name}: performance ${performance}, accessibility ${accessibility}, best-practices ${bestPractices}, ` +
          `LCP ${millis("largest-contentful-paint")} ms, TBT ${millis("total-blocking-time")} ms`,
      );
      // What cost the points, so a missed target says where to look.
      const failing = ["accessibility", "best-practices"]
        .flatMap((id) => categories[id]?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 1)
        .map((ref) => {
          const items = (audits[ref.id]?.details as { items?: Array<{ node?: { selector?: string } }> } | undefined)?.items ?? [];
          const where = items.flatMap((item) => (item.node?.selector ? [item.node.selector] : [])).slice(0, 3);
          return where.length > 0 ? `${ref.id} (${where.join("; ")})` : ref.id;
        });
      if (failing.length > 0) console.log(`  failing audits: ${failing.join(", ")}`);
    }
    console.log(`targets (performance >= 95, accessibility and best practices 100 on every page): ${ok ? "OK" : "MISSED"}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await chromium.stop();
    await app.stop();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
