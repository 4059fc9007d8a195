import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { bootstrap, migrate, SUPABASE_DIR } from "./migrate";
import { freePort } from "./net";
import { startPostgres } from "./postgres";

const PROJECT_DIR = path.resolve(SUPABASE_DIR, "..");
/** The checked-in `Database` type that every supabase-js client is typed with. */
export const TYPES_FILE = path.join(PROJECT_DIR, "app", "database.types.ts");
const GENERATOR = path.join(PROJECT_DIR, "node_modules", "@supabase", "postgres-meta", "dist", "server", "server.js");

/**
 * The TypeScript types of the database's `public` schema, from Supabase's own generator: the
 * postgres-meta server that `supabase gen types typescript` runs in Docker, with the settings the
 * CLI (2.117.0) gives it.
 */
export async function generateTypes(databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [GENERATOR], {
    env: {
      ...process.env,
      PG_META_DB_URL: databaseUrl,
      PG_CONN_TIMEOUT_SECS: "15",
      PG_QUERY_TIMEOUT_SECS: "15",
      PG_META_GENERATE_TYPES: "typescript",
      PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: "public",
      PG_META_GENERATE_TYPES_SWIFT_ACCESS_CONTROL: "internal",
      PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: "true",
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!stdout.includes("export type Database = {")) throw new Error(`Unexpected generator output:\n${stdout.slice(0, 400)}`);
  return stdout;
}

/** The types of supabase/migrations/, generated from a throwaway Postgres with every migration applied. */
export async function typesOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "db-types-"));
  try {
    const postgres = await startPostgres({ dataDir: path.join(dir, "db"), port: await freePort() });
    try {
      await bootstrap(postgres.url);
      await migrate(postgres.url);
      return await generateTypes(postgres.url);
    } finally {
      await postgres.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run db:types` writes app/database.types.ts; with `--check` it only says whether the file is
 * current, and fails when it is not.
 */
export async function writeTypes(opts: { check: boolean }): Promise<boolean> {
  const generated = await typesOfMigrations();
  const current = await readFile(TYPES_FILE, "utf8").catch(() => "");
  if (generated === current) return true;
  if (opts.check) return false;
  await writeFile(TYPES_FILE, generated);
  return true;
}
