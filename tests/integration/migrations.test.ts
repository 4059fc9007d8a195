import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap, migrate, SUPABASE_CLI } from "../../supabase/local/migrate";

// Migrations applied by the Supabase CLI to an empty database of the test server, and the state they
// leave in the stack's own database (migrated at start).

const dbName = `migrations_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const adminUrl = process.env.DATABASE_URL!;
const emptyDbUrl = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
const failingDbUrl = `${emptyDbUrl}_failing`;

async function query<T extends pg.QueryResultRow>(url: string, sql: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  beforeAll(async () => {
    await query(adminUrl, `create database ${dbName}`);
    await query(adminUrl, `create database ${dbName}_failing`);
  });
  afterAll(async () => {
    await query(adminUrl, `drop database if exists ${dbName} with (force)`);
    await query(adminUrl, `drop database if exists ${dbName}_failing with (force)`);
  });

  it("go through the Supabase CLI to an empty database, then nothing on a second run", async () => {
    await bootstrap(emptyDbUrl);
    const all = (await readdir("supabase/migrations")).filter((f) => f.endsWith(".sql")).sort().map((f) => f.slice(0, 14));
    expect(all.length).toBeGreaterThan(0);

    expect(await migrate(emptyDbUrl, { seed: true })).toEqual(all);
    // As the CLI writes its history: one row per file, the file's statements one by one.
    const recorded = await query<{ version: string; name: string; statements: string[] }>(
      emptyDbUrl,
      "select version, name, statements from supabase_migrations.schema_migrations order by version",
    );
    expect(recorded.map((r) => r.version)).toEqual(all);
    expect(recorded[0].name).toBe("consent_core");
    expect(recorded[0].statements.length).toBeGreaterThan(1);
    const seeds = await query<{ path: string }>(emptyDbUrl, "select path from supabase_migrations.seed_files");
    expect(seeds.map((s) => s.path)).toEqual(["supabase/seed.sql"]);
    const circles = await query<{ count: string }>(emptyDbUrl, "select count(*) from public.circles");
    expect(Number(circles[0].count)).toBeGreaterThan(0);

    await bootstrap(emptyDbUrl);
    expect(await migrate(emptyDbUrl)).toEqual([]);
    const { stdout } = await promisify(execFile)(SUPABASE_CLI, ["migration", "list", "--db-url", `${emptyDbUrl}?sslmode=disable`], {
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1" },
    });
    for (const version of all) expect(stdout).toMatch(new RegExp(`${version}\\W+\\|\\W+${version}`));
  });

  it("stop at a failing file, keeping the files before it and nothing of that one", async () => {
    const workdir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    try {
      await mkdir(path.join(workdir, "supabase", "migrations"), { recursive: true });
      const file = (name: string, sql: string) => writeFile(path.join(workdir, "supabase", "migrations", name), sql);
      await file("20260101000000_good.sql", "create table public.good (id int);\n");
      await file("20260101000100_bad.sql", "create table public.half (id int);\nselect 1 / 0;\n");
      await file("20260101000200_after.sql", "create table public.after (id int);\n");
      await bootstrap(failingDbUrl);

      await expect(migrate(failingDbUrl, { workdir })).rejects.toThrow(/20260101000100_bad\.sql[\s\S]*division by zero/);
      const recorded = await query<{ version: string }>(failingDbUrl, "select version from supabase_migrations.schema_migrations");
      expect(recorded.map((r) => r.version)).toEqual(["20260101000000"]);
      const tables = await query<{ good: string | null; half: string | null; after: string | null }>(
        failingDbUrl,
        "select to_regclass('public.good')::text as good, to_regclass('public.half')::text as half, to_regclass('public.after')::text as after",
      );
      expect(tables).toEqual([{ good: "good", half: null, after: null }]);
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  });

  it("leave row-level security enabled on every table in public", async () => {
    const tables = await query<{ relname: string; relrowsecurity: boolean }>(
      adminUrl,
      `select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
    );
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.filter((t) => !t.relrowsecurity).map((t) => t.relname)).toEqual([]);
  });

  it("give anon no privilege on any table in public", async () => {
    const grants = await query<{ table_name: string; privilege_type: string }>(
      adminUrl,
      `select table_name, privilege_type from information_schema.role_table_grants
        where grantee = 'anon' and table_schema = 'public'`,
    );
    expect(grants).toEqual([]);
  });
});
