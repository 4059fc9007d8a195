import { vi } from "vitest";

// The upstream tests are written for Jest: its `jest` object is vitest's `vi` under another name
// (fn, spyOn, useFakeTimers, advanceTimersByTime...). Jest-only module mocking (doMock, requireActual)
// has no synchronous counterpart here; the tests that use it are classified in classification.ts.
Object.assign(globalThis, { jest: vi });
