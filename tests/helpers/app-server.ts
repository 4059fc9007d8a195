// The app's own HTTP server (server.ts) as a child process on a free port, against the test stack (its
// variables come from process.env, filled by the global setup), and raw HTTP to it: fetch() normalises
// paths and fills in headers, so attacks on what the server reads are sent byte for byte here.

import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { freePort, waitFor } from "../../supabase/local/net";

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");

export type AppServer = { port: number; origin: string; output: () => string; stop: () => Promise<void> };

function spawnServer(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [tsx, "server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  return { child, log: () => log };
}

/** Starts server.ts (development mode: Vite as middleware, no build needed) and waits until it answers. */
export async function startAppServer(env: Record<string, string | undefined> = {}): Promise<AppServer> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const { child, log } = spawnServer({ PORT: String(port), APP_URL: origin, ...env });
  let exited = false;
  child.on("exit", () => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new Error(`server.ts exited during start:\n${log()}`);
      const res = await fetch(`${origin}/resources`).catch(() => null);
      await res?.text();
      return res?.status === 200;
    },
    { timeoutMs: 60_000, what: "server.ts" },
  );
  return {
    port,
    origin,
    output: log,
    stop: async () => {
      if (child.exitCode !== null) return;
      const done = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await done;
    },
  };
}

/** Runs server.ts with these variables until it exits by itself (a refused start); its code and output. */
export async function serverExit(
  env: Record<string, string | undefined>,
  timeoutMs = 45_000,
): Promise<{ code: number | null; output: string }> {
  const { child, log } = spawnServer({ PORT: String(await freePort()), ...env });
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, output: log() };
}

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * Sends `head` (request line and headers, without the blank line) and `body` exactly as given, with
 * Connection: close, and reads the whole answer. Content-Length is added from the body unless present.
 */
export function rawRequest(port: number, head: string, body: string | Buffer = ""): Promise<RawResponse> {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = head.split("\r\n").filter(Boolean);
  if (!lines.some((line) => /^content-length:/i.test(line)) && payload.length > 0) {
    lines.push(`Content-Length: ${payload.length}`);
  }
  lines.push("Connection: close");
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      const [statusLine, ...headerLines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      if (!status) return reject(new Error(`No HTTP answer: ${JSON.stringify(all.subarray(0, 200).toString())}`));
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let rest: Buffer = all.subarray(split + 4);
      if (/chunked/i.test(headers["transfer-encoding"] ?? "")) rest = dechunk(rest);
      resolve({ status, headers, body: rest.toString("utf8") });
    });
    socket.write(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), payload]));
  });
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
