/**
 * Remix options, passed to the Remix Vite plugin by vite.config.ts.
 * All v3_* future flags are on so that a later move to React Router 7 stays mechanical.
 * @type {import('@remix-run/dev').VitePluginConfig}
 */
export default {
  ignoredRouteFiles: ["**/*.server.*", "**/*.test.*", "**/.*"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
