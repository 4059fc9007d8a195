import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { LOCAL_AUTHENTICATOR_PASSWORD } from "./keys";

const here = path.dirname(new URL(import.meta.url).pathname);
export const SUPABASE_DIR = path.resolve(here, "..");
const PROJECT_DIR = path.resolve(SUPABASE_DIR, "..");
/** The real Supabase CLI, from the `supabase` npm package. */
export const SUPABASE_CLI = path.join(PROJECT_DIR, "node_modules", ".bin", "supabase");

async function withClient<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The platform parts of Supabase that migrations rely on (roles, auth schema, default grants): what a
 * hosted project has before its first migration, so the CLI does not apply it.
 */
export async function bootstrap(databaseUrl: string): Promise<void> {
  const sql = await readFile(path.join(here, "bootstrap.sql"), "utf8");
  await withClient(databaseUrl, async (client) => {
    // Roles are cluster-wide: two stacks bootstrapping at once would race on `create role`.
    await client.query("select pg_advisory_lock(727001)");
    try {
      await client.query(sql);
      await client.query(`alter role authenticator with password '${LOCAL_AUTHENTICATOR_PASSWORD}'`);
    } finally {
      await client.query("select pg_advisory_unlock(727001)");
    }
  });
}

async function recordedVersions(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ exists: boolean }>(
    "select to_regclass('supabase_migrations.schema_migrations') is not null as exists",
  );
  if (!rows[0].exists) return [];
  const recorded = await client.query<{ version: string }>(
    "select version from supabase_migrations.schema_migrations order by version",
  );
  return recorded.rows.map((r) => r.version);
}

/** The versions of `<workdir>/supabase/migrations/*.sql`, as the CLI reads them (`<version>_<name>.sql`). */
async function localVersions(workdir: string): Promise<string[]> {
  const files = await readdir(path.join(workdir, "supabase", "migrations"));
  return files.flatMap((f) => /^(\d+)_.*\.sql$/.exec(f)?.[1] ?? []).sort();
}

/**
 * Applies the pending migrations of supabase/migrations/ with the Supabase CLI (`supabase db push
 * --db-url`, as against a hosted project), and the seed of config.toml's [db.seed] when `seed` is
 * set. The CLI records them in supabase_migrations.schema_migrations and seed_files. Returns the
 * versions it applied. `databaseUrl` is the local server's, which has no TLS.
 */
export async function migrate(
  databaseUrl: string,
  opts: { seed?: boolean; workdir?: string } = {},
): Promise<string[]> {
  const workdir = opts.workdir ?? PROJECT_DIR;
  const before = await withClient(databaseUrl, recordedVersions);
  // The CLI takes ~0.7 s to find nothing to do; a restart of the dev stack usually has nothing to do.
  const local = await localVersions(workdir);
  if (!opts.seed && local.join() === before.join()) return [];

  const url = new URL(databaseUrl);
  if (!url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  const args = ["db", "push", "--db-url", url.toString(), "--workdir", workdir, "--yes"];
  if (opts.seed) args.push("--include-seed");
  try {
    await promisify(execFile)(SUPABASE_CLI, args, { env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1" } });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`supabase db push failed:\n${(stderr || stdout || String(error)).trim()}`);
  }
  return withClient(databaseUrl, async (client) => {
    const applied = (await recordedVersions(client)).filter((v) => !before.includes(v));
    // A PostgREST already running (PostgREST listens on this channel) reloads its schema cache.
    if (applied.length > 0) await client.query("notify pgrst, 'reload schema'");
    return applied;
  });
}
