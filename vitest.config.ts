import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

// Two projects, each with its own local stack on free ports and a fresh database:
// "integration" (unit, supabase-js, Remix loaders/actions) and "e2e" (the built app in Chromium).
// A project with no selected test file starts nothing.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // Two cores: the browser journeys and the stack share them.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "integration",
          sequence: { groupOrder: 0 },
          include: ["tests/integration/**/*.test.ts", "tests/security/**/*.test.ts", "tests/unit/**/*.test.ts", "app/**/*.test.{ts,tsx}", "supabase/**/*.test.ts"],
          globalSetup: ["tests/setup/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          // After the integration project, so the browser journeys do not fight it for the two cores.
          sequence: { groupOrder: 1 },
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/setup/global-setup.ts", "tests/setup/e2e-setup.ts"],
          testTimeout: 60_000,
          // Pages answer slower while other suites share the two cores; a poll waits up to 10 s.
          expect: { poll: { timeout: 10_000 } },
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
