// The local stack in a process of its own, for benches that load it over HTTP: the load generator
// must not share an event loop with the gateway and the auth service it is measuring.
//
// As a script: `tsx tests/bench/stack-process.ts <data dir> <site url>` starts a fresh stack (no demo
// seed), prints one JSON line with its addresses and keys, and stops it on SIGTERM or SIGINT.

import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startStack, type RunningStack } from "../../supabase/local/stack";

export type StackAddresses = Pick<RunningStack, "url" | "publishableKey" | "secretKey" | "signingKey" | "databaseUrl" | "mailboxUrl">;

const root = path.resolve(import.meta.dirname, "../..");

/** Starts the stack in a child process and resolves once it serves. */
export function startStackProcess(dataDir: string, siteUrl: string): Promise<StackAddresses & { pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), fileURLToPath(import.meta.url), dataDir, siteUrl],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  let exited = false;
  const done = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume();
      const addresses = JSON.parse(line) as StackAddresses;
      resolve({
        ...addresses,
        pid: child.pid!,
        stop: () => {
          if (!exited) child.kill("SIGTERM");
          return done;
        },
      });
    });
    void done.then(() => reject(new Error(`The stack process exited before serving:\n${output}`)));
  });
}

/** CPU seconds (user + system) used so far by `pid` and every process under it, by command name. */
export function cpuOfTree(pid: number): Map<string, number> {
  const ticks = 100; // USER_HZ on Linux
  const stats = new Map<number, { ppid: number; name: string; cpu: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      // After the name: state(0) ppid(1) ... utime(11) stime(12)
      stats.set(Number(entry), { ppid: Number(fields[1]), name, cpu: (Number(fields[11]) + Number(fields[12])) / ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  const totals = new Map<string, number>();
  const visit = (id: number) => {
    const stat = stats.get(id);
    if (!stat) return;
    totals.set(stat.name, (totals.get(stat.name) ?? 0) + stat.cpu);
    for (const [child, s] of stats) if (s.ppid === id) visit(child);
  };
  visit(pid);
  return totals;
}

async function main(dataDir: string, siteUrl: string) {
  const stack = await startStack({ dataDir, ports: { db: 0, gateway: 0 }, siteUrl, seedNewDatabase: false, rateLimits: false });
  const { url, publishableKey, secretKey, signingKey, databaseUrl, mailboxUrl } = stack;
  console.log(JSON.stringify({ url, publishableKey, secretKey, signingKey, databaseUrl, mailboxUrl }));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stack.stop();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dataDir, siteUrl] = process.argv.slice(2);
  if (!dataDir || !siteUrl) throw new Error("usage: stack-process.ts <data dir> <site url>");
  await main(dataDir, siteUrl);
}
