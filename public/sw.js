/* global self, caches, fetch, URL */
// Circle's service worker: the app's own static files and a calm offline page, nothing else.
//
// A phone may be shared, so NOTHING that holds circle data is ever stored here: no page (HTML
// navigation), no loader or action answer (?_data=, /circles/*, any POST), no API call. Only:
//   - the offline page and its stylesheet, icons and favicon (precached at install), and
//   - Vite's fingerprinted build output under /assets/ (JavaScript and CSS, the same for every user,
//     cached the first time each file is fetched; a new build has new names, old ones are dropped on
//     activate of a new worker version).
// tests/e2e/installable.test.ts opens circle pages and checks that no Cache Storage entry is one.

const VERSION = "v1";
const STATIC_CACHE = `circle-static-${VERSION}`;
const OFFLINE_URL = "/offline.html";
const PRECACHE = [OFFLINE_URL, "/offline.css", "/favicon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== STATIC_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

/** Only Vite's fingerprinted build files and the precached offline files may be stored. */
function isStaticAsset(url) {
  if (url.origin !== self.location.origin || url.search !== "") return false;
  return url.pathname.startsWith("/assets/") || PRECACHE.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);

  if (request.mode === "navigate") {
    // Pages always come from the network and are never stored; offline, the calm page instead.
    event.respondWith(
      fetch(request).catch(() => caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE })),
    );
    return;
  }

  if (!isStaticAsset(url)) return; // the network, as without a worker; nothing stored

  event.respondWith(
    caches.open(STATIC_CACHE).then(async (cache) => {
      const cached = await cache.match(request);
      if (cached) return cached;
      const response = await fetch(request);
      if (response.ok && response.type === "basic") await cache.put(request, response.clone());
      return response;
    }),
  );
});

// Push notifications: the payload is already what may leave the app (app/outside-words.ts): the kind
// of help and when, and the item's address in the app.
self.addEventListener("push", (event) => {
  let message = { title: "Circle", body: "Something in your circle needs you.", url: "/" };
  try {
    message = { ...message, ...(event.data ? event.data.json() : {}) };
  } catch {
    // not JSON: the generic words above
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      icon: "/icons/icon-192.png",
      badge: "/icons/maskable-192.png",
      data: { url: message.url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname === target.pathname);
      return open ? open.focus() : self.clients.openWindow(target.href);
    }),
  );
});
