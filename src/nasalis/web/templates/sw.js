// nasalis's service worker. It keeps the app's own files and one page with nobody's data in it,
// so the app starts and logs twitches with no connection; a person's pages and API answers are
// never stored (a shared phone must not show one person's diary to the next from a cache).
"use strict";
const VERSION = {{ version|tojson }};
const CACHE = "nasalis-shell-" + VERSION;
const SHELL = {{ shell|tojson }};
const OFFLINE = {{ offline|tojson }};

self.addEventListener("install", (event) => {
  // cache: "reload" past the browser's HTTP cache, so this version's cache holds this version's files.
  const fresh = SHELL.map((path) => new Request(path, { cache: "reload" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(fresh)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // Only this version's cache stays: an old shell's files would mix with the new pages.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("nasalis-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (SHELL.includes(url.pathname) && url.pathname !== OFFLINE) {
    // The shell is versioned as a whole: its own copy, else the network.
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    // A page: always from the server; with no connection the generic offline page.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
  // Everything else (the API, htmx's requests) goes to the network untouched and is never stored.
});

// Background Sync, where the browser has it: wake an open page, which holds the CSRF token, to send.
self.addEventListener("sync", (event) => {
  if (event.tag !== "nasalis-waiting") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((clients) => {
    clients.forEach((client) => client.postMessage({ type: "sync" }));
  }));
});

// A page asks for the check-in reminder when its time has come (no push server: the page's timer).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "remind") { return; }
  event.waitUntil(self.registration.showNotification("nasalis: time for today's check-in", {
    body: "A minute for today's check-in keeps the insights working.",
    tag: "check-in-" + data.date,  // one per day, however many pages ask
    icon: "/static/icon-192.png",
    data: { url: "/#check-in" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((clients) => {
    for (const client of clients) {
      if ("focus" in client) { client.navigate(target); return client.focus(); }
    }
    return self.clients.openWindow(target);
  }));
});
