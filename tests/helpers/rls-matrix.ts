// The RLS matrices (tests/integration/rls-matrix.test.ts, updates-rls.test.ts): a table of expected
// outcomes per identity, and what a supabase-js result counts as.
import { expect } from "vitest";
import { IDENTITIES, type Identity } from "./circle-fixture";

/** ✓ allowed (rows back, or done), 0 allowed but nothing to see or change, ✗ refused. */
export type Outcome = "✓" | "0" | "✗";

type Result = { error: unknown; data?: unknown; count?: number | null };

export const rowsOutcome = ({ error, data }: Result): Outcome =>
  error ? "✗" : Array.isArray(data) && data.length > 0 ? "✓" : "0";
export const countOutcome = ({ error, count }: Result): Outcome => (error ? "✗" : (count ?? 0) > 0 ? "✓" : "0");
export const okOutcome = ({ error }: Result): Outcome => (error ? "✗" : "✓");

export interface MatrixRow {
  name: string;
  expected: Record<Identity, Outcome>;
}

/** Reads a matrix: a header of identities, then one line per case, "name | outcome per identity". */
export function parseMatrix(text: string): MatrixRow[] {
  const [header, ...lines] = text.trim().split("\n");
  const columns = header.split("|")[1].trim().split(/\s+/);
  expect(columns).toEqual([...IDENTITIES]);
  return lines.map((line) => {
    const [name, cells] = line.split("|");
    const symbols = cells.trim().split(/\s+/) as Outcome[];
    expect(symbols, name).toHaveLength(IDENTITIES.length);
    return { name: name.trim(), expected: Object.fromEntries(IDENTITIES.map((id, i) => [id, symbols[i]])) as MatrixRow["expected"] };
  });
}
