import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap, listMigrations, migrate } from "../../supabase/local/migrate";

// The migration runner against an empty database of the test server, and the state it leaves in
// the stack's own database (migrated at start).

const dbName = `migrations_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
const adminUrl = process.env.DATABASE_URL!;
const emptyDbUrl = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);

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
  });
  afterAll(async () => {
    await query(adminUrl, `drop database if exists ${dbName} with (force)`);
  });

  it("apply every migration to an empty database, then nothing on a second run", async () => {
    await bootstrap(emptyDbUrl);
    const all = (await listMigrations()).map((m) => m.version);
    expect(all.length).toBeGreaterThan(0);

    expect(await migrate(emptyDbUrl)).toEqual(all);
    const recorded = await query<{ version: string }>(
      emptyDbUrl,
      "select version from supabase_migrations.schema_migrations order by version",
    );
    expect(recorded.map((r) => r.version)).toEqual(all);

    await bootstrap(emptyDbUrl);
    expect(await migrate(emptyDbUrl)).toEqual([]);
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
