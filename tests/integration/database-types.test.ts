import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generateTypes, TYPES_FILE } from "../../supabase/local/types";

// CI fails when app/database.types.ts is stale. The test stack's database has every migration applied
// by the CLI and no test changes its schema, so its generated types are those of the migrations.

describe("app/database.types.ts", () => {
  it("is what Supabase's generator makes of the migrations (else run npm run db:types)", async () => {
    const generated = await generateTypes(process.env.DATABASE_URL!);
    expect(generated).toContain("export type Database = {");
    const committed = await readFile(TYPES_FILE, "utf8");
    // A line diff, not a 2,000-line string: the failure shows what changed.
    expect(committed.split("\n"), "app/database.types.ts is stale: run npm run db:types").toEqual(generated.split("\n"));
  });
});
