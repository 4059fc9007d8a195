import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { LOCAL_AUTHENTICATOR_PASSWORD } from "./keys";

const here = path.dirname(new URL(import.meta.url).pathname);
export const SUPABASE_DIR = path.resolve(here, "..");
const MIGRATIONS_DIR = path.join(SUPABASE_DIR, "migrations");

export interface Migration {
  version: string;
  name: string;
  file: string;
}

/** Migration files in apply order, named `<timestamp>_<name>.sql` as the Supabase CLI names them. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  return files.map((file) => {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must be <timestamp>_<name>.sql: ${file}`);
    return { version: match[1], name: match[2], file: path.join(dir, file) };
  });
}

async function withClient<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The platform parts of Supabase that migrations rely on (roles, auth schema, default grants). */
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

/**
 * Applies every migration not yet recorded in supabase_migrations.schema_migrations, each in its own
 * transaction, and returns the versions it applied. A failing migration rolls back and stops the run.
 */
export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await listMigrations(dir);
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ version: string }>(
      "select version from supabase_migrations.schema_migrations",
    );
    const applied = new Set(rows.map((r) => r.version));
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      const sql = await readFile(migration.file, "utf8");
      try {
        await client.query("begin");
        await client.query(sql);
        await client.query(
          "insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)",
          [migration.version, migration.name, [sql]],
        );
        await client.query("commit");
      } catch (error) {
        await client.query("rollback");
        throw new Error(`Migration ${path.basename(migration.file)} failed: ${(error as Error).message}`);
      }
      done.push(migration.version);
    }
    // PostgREST listens on this channel and reloads its schema cache.
    if (done.length > 0) await client.query("notify pgrst, 'reload schema'");
    return done;
  });
}

export async function seed(databaseUrl: string, file = path.join(SUPABASE_DIR, "seed.sql")): Promise<boolean> {
  const sql = await readFile(file, "utf8").catch(() => null);
  if (sql === null) return false;
  await withClient(databaseUrl, async (client) => {
    await client.query("begin");
    try {
      await client.query(sql);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      throw new Error(`seed.sql failed: ${(error as Error).message}`);
    }
  });
  return true;
}
