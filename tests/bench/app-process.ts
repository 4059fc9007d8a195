// The app's production server (build/) as a child process for the benches, and signing in through
// its own form.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { waitFor } from "../../supabase/local/net";
import type { StackAddresses } from "./stack-process";

const root = path.resolve(import.meta.dirname, "../..");

/** `vite:build` into build/, as `npm run build` does. */
export function buildApp() {
  console.log("building the app ...");
  const build = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
}

/** The production server (build/) on `port`, against `stack`. */
export function startApp(
  stack: StackAddresses,
  appUrl: string,
  port: number,
): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const env: Record<string, string> = {
    APP_URL: appUrl,
    PORT: String(port),
    SUPABASE_URL: stack.url,
    SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
    SUPABASE_SECRET_KEY: "",
    SESSION_SECRET: "bench-session-secret-at-least-32-characters",
    RESEND_API_KEY: "",
    MAILBOX_URL: stack.mailboxUrl,
  };
  // BENCH_PROFILE=<dir>: a CPU profile of the app server, written there when it stops.
  const profile = process.env.BENCH_PROFILE;
  const args = profile
    ? ["--cpu-prof", `--cpu-prof-dir=${profile}`, "--import", path.join(root, "node_modules/tsx/dist/loader.mjs"), "server.ts"]
    : [path.join(root, "node_modules/tsx/dist/cli.mjs"), "server.ts"];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  return waitFor(
    async () => {
      if (exited) throw new Error(`The app server exited:\n${output}`);
      const res = await fetch(`${env.APP_URL}/resources`).catch(() => null);
      return res?.status === 200;
    },
    { timeoutMs: 30_000, what: "The app server" },
  ).then(() => ({
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        // SIGINT: node writes its CPU profile on a clean exit (server.ts exits on both).
        child.kill(profile ? "SIGINT" : "SIGTERM");
      }),
  }));
}

/** Signs in through the app's own form (POST with our Origin) and returns the session cookies. */
export async function signIn(appUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${appUrl}/auth/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: appUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  if (res.status !== 302) throw new Error(`sign in answered ${res.status}: ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}
