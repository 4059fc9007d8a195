import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: 3000, strictPort: true },
  // Tests of the dev server start from an empty cache of their own (tests/e2e/dev-server.test.ts).
  cacheDir: process.env.VITE_CACHE_DIR || undefined,
  optimizeDeps: {
    // Pre-bundled when the dev server starts. Found later (the first visit to the calendar, the
    // first page at all), Vite bundles them again under a new version and reloads: a page that has
    // React from the first bundle and react-big-calendar from the second crashes with "Invalid hook
    // call". The server packages are here because Vite finds them while Remix prepares the route
    // modules for the browser (their server code is removed from what the browser gets).
    include: ["react-big-calendar", "luxon", "zod", "@remix-run/node", "@supabase/ssr", "@supabase/supabase-js", "jose", "ws", "resend"],
  },
  plugins: [remix(remixConfig), tsconfigPaths()],
});
