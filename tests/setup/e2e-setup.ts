import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { waitFor } from "../../supabase/local/net";

// Builds the app and serves the production build against the test stack, as a user would meet it.

const root = path.resolve(import.meta.dirname, "../..");

export default async function setup() {
  const appUrl = process.env.APP_URL!;
  const build = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) throw new Error(`remix vite:build failed:\n${build.stdout}\n${build.stderr}`);

  const server = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout.on("data", (d) => (output += d));
  server.stderr.on("data", (d) => (output += d));
  let exited = false;
  server.on("exit", () => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new Error(`The app server exited during start:\n${output}`);
      const res = await fetch(appUrl).catch(() => null);
      return res?.status === 200;
    },
    { timeoutMs: 30_000, what: "The app server" },
  );

  return async () => {
    if (exited) return;
    const done = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await done;
  };
}
