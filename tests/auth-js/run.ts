import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { applicableKeys, CLASSES, classify, TABLE, type FailureClass } from "./classification";

// npm run test:auth-js: runs supabase-js's own auth tests (upstream/) against the local auth service and
// prints the classified figures (LEGACY_JWT=1: with the stack in legacy mode). Fails when a failure is
// unclassified or classed as a gap in something the app uses, and when the tests could not run at all.

const report = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().optional(),
      assertionResults: z.array(
        z.object({ fullName: z.string(), status: z.string(), failureMessages: z.array(z.string()).default([]) }),
      ),
    }),
  ),
});

const LABELS: Record<FailureClass, string> = {
  gap: "Gaps in what we use",
  unused: "Features we don't use",
  setup: "Unreproducible setup",
};

const root = path.resolve(import.meta.dirname, "../..");
const out = mkdtempSync(path.join(os.tmpdir(), "authjs-report-"));
const outputFile = path.join(out, "report.json");
const vitest = spawnSync(
  process.execPath,
  [
    path.join(root, "node_modules/vitest/vitest.mjs"),
    "run",
    "--config",
    "tests/auth-js/vitest.config.ts",
    "--reporter=json",
    `--outputFile=${outputFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
);
let parsed: z.infer<typeof report>;
try {
  parsed = report.parse(JSON.parse(readFileSync(outputFile, "utf8")));
} catch (error) {
  process.stderr.write(vitest.stdout + vitest.stderr);
  console.error(`auth-js: no test report (${(error as Error).message})`);
  process.exit(1);
} finally {
  rmSync(out, { recursive: true, force: true });
}

interface Failure {
  name: string;
  message: string;
  cls: FailureClass | "unclassified";
  reason: string;
}
let run = 0;
let passed = 0;
const failures: Failure[] = [];
for (const file of parsed.testResults) {
  const fileName = path.relative(path.join(root, "tests/auth-js/upstream"), file.name);
  for (const test of file.assertionResults) {
    run += 1;
    if (test.status === "passed") {
      passed += 1;
      continue;
    }
    // Upstream skips nothing: a skipped test here did not run because a hook of its file failed.
    const message =
      test.failureMessages[0]?.split("\n")[0] ?? (file.message?.split("\n")[0] || "not run: a beforeAll hook of its file failed");
    const name = `${fileName} > ${test.fullName}`;
    const entry = classify(name);
    failures.push({ name, message, cls: entry?.cls ?? "unclassified", reason: entry?.reason ?? "not in classification.ts" });
  }
  if (file.assertionResults.length === 0 && file.status === "failed") {
    run += 1;
    failures.push({ name: `${fileName} (whole file)`, message: file.message ?? "failed", cls: "unclassified", reason: "the file did not load" });
  }
}

if (run === 0) {
  process.stderr.write(vitest.stdout + vitest.stderr);
  console.error("auth-js: no test ran");
  process.exit(1);
}

const count = (cls: Failure["cls"]) => failures.filter((f) => f.cls === cls).length;
console.log(
  `auth-js: ${run} run, ${passed} passed, ${failures.length} failed; gaps in what we use: ${count("gap")}; ` +
    `features we don't use: ${count("unused")}; unreproducible setup: ${count("setup")}` +
    (count("unclassified") ? `; UNCLASSIFIED: ${count("unclassified")}` : ""),
);
for (const cls of ["unclassified", ...CLASSES] as const) {
  const inClass = failures.filter((f) => f.cls === cls);
  if (inClass.length === 0) continue;
  console.log(`\n${cls === "unclassified" ? "UNCLASSIFIED" : LABELS[cls]} (${inClass.length}):`);
  for (const f of inClass) console.log(`  - ${f.name}\n      ${f.reason}\n      got: ${f.message.slice(0, 160)}`);
}
// An entry that no failure needs any more is left over from a fixed gap or an upstream change: review it.
const stale = applicableKeys().filter((key) => !failures.some((f) => classify(f.name) === TABLE[key]));
if (stale.length) console.log(`\nTable entries no failure matched (remove them):\n${stale.map((k) => `  - ${k}`).join("\n")}`);
if (count("unclassified") || count("gap")) process.exit(1);
