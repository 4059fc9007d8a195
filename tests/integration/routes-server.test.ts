import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort, waitFor } from "../../supabase/local/net";

// server.ts over HTTP (development mode, Vite as middleware): the headers and checks that every
// request passes before any Remix route runs.

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");

let port: number;
let origin: string;
let server: ChildProcess;
let output = "";

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [tsx, "server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  return { child, log: () => log };
}

beforeAll(async () => {
  port = await freePort();
  origin = `http://localhost:${port}`;
  const started = startServer({ PORT: String(port), APP_URL: origin });
  server = started.child;
  let exited = false;
  server.on("exit", () => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new Error(`server.ts exited during start:\n${started.log()}`);
      const res = await fetch(`${origin}/resources`).catch(() => null);
      return res?.status === 200;
    },
    { timeoutMs: 45_000, what: "server.ts" },
  );
  output = started.log();
});

afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
});

describe("every response", () => {
  test("carries a fresh CSP nonce that the page's scripts use, and the hardening headers", async () => {
    const [first, second] = await Promise.all([fetch(`${origin}/`), fetch(`${origin}/`)]);
    expect(first.status).toBe(200);
    const csp = first.headers.get("Content-Security-Policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(second.headers.get("Content-Security-Policy")).not.toContain(nonce);
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");

    const html = await first.text();
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    expect(first.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(first.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(first.headers.get("X-Frame-Options")).toBe("DENY");
    expect(first.headers.get("X-Powered-By")).toBeNull();
    await second.text();
  });

  test("static files get them too", async () => {
    const res = await fetch(`${origin}/favicon.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
    await res.text();
  });

  test("an unknown page is a friendly 404 in the normal shell", async () => {
    const res = await fetch(`${origin}/no/such/page`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("We couldn&#x27;t find that page");
    expect(html).toContain('href="/resources"');
  });
});

describe("mutations", () => {
  const form = () => new URLSearchParams({ email: "", password: "" });

  test("PUT, PATCH and DELETE are refused with 405", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await fetch(`${origin}/auth/sign-in`, { method, headers: { Origin: origin } });
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD, POST");
      await res.text();
    }
  });

  test("a POST from another origin is refused with 403 before the action runs", async () => {
    const res = await fetch(`${origin}/auth/sign-in`, {
      method: "POST",
      body: form(),
      headers: { Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/did not come from this site/);
  });

  test("a POST with neither Origin nor Referer is refused", async () => {
    const res = await fetch(`${origin}/auth/sign-in`, { method: "POST", body: form() });
    expect(res.status).toBe(403);
    await res.text();
  });

  test("a POST from our own page reaches the action (Origin, or Referer as fallback)", async () => {
    const variants: Array<Record<string, string>> = [{ Origin: origin }, { Referer: `${origin}/auth/sign-in` }];
    for (const headers of variants) {
      const res = await fetch(`${origin}/auth/sign-in`, { method: "POST", body: form(), headers });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Email is required");
    }
  });
});

test("a port already in use stops the server with a clear message", async () => {
  const second = startServer({ PORT: String(port), APP_URL: origin });
  const code = await new Promise<number | null>((resolve) => second.child.once("exit", resolve));
  expect(code).toBe(1);
  expect(second.log()).toContain(`Port ${port} is already in use`);
  expect(output).toContain(`listening on 127.0.0.1, port ${port}`);
}, 45_000);
