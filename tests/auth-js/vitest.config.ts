import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// supabase-js's own auth tests (upstream/, see its LICENSE and README.md here) against the local auth
// service. They import the library as '../src' / '../../src': that is the installed @supabase/auth-js's
// own src folder (the package ships it), so the tests exercise the version the app runs.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const src = path.join(root, "node_modules/@supabase/auth-js/src");

export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^(?:\.\.\/)+src$/, replacement: path.join(src, "index.ts") },
      { find: /^(?:\.\.\/)+src\/(.*)$/, replacement: `${src}/$1` },
    ],
  },
  test: {
    include: ["tests/auth-js/upstream/**/*.test.ts"],
    globals: true,
    environment: "node",
    setupFiles: ["tests/auth-js/jest-globals.ts"],
    globalSetup: ["tests/auth-js/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
