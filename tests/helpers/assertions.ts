import type { PostgrestError } from "@supabase/supabase-js";
import { expect } from "vitest";

/**
 * Asserts that a supabase-js call failed with one of our stable error keys (the MESSAGE of every error
 * our SQL raises; see docs/policies.md) and, when given, its HTTP status.
 */
export function expectError(
  result: { error: PostgrestError | null; status?: number },
  key: string,
  status?: number,
) {
  expect(result.error, `expected error ${key}`).not.toBeNull();
  expect(result.error!.message).toBe(key);
  if (status !== undefined) expect(result.status).toBe(status);
}

/** The ids of a select result, sorted, for set comparisons. */
export function ids(rows: Array<{ id: string }> | null): string[] {
  return (rows ?? []).map((r) => r.id).sort();
}
