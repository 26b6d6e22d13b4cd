// 龙城执法: the service worker of the field pages (served by inspections/field.py at /sw.js).
// It keeps the app shell (styles, fonts, scripts, icons) and the signed-in user's visit and
// patrol pages, so that they open with no signal. It keeps one user's pages at a time: a page
// of another user, the sign-in page and signing out throw them away. It never keeps a POST
// (answers and photos go through the visit page's own outbox) nor a page that is not marked
// as a field page of the user.
"use strict";
const VERSION = "__VERSION__";
const SHELL_CACHE = `lc-field-shell-${VERSION}`;
const PAGES_CACHE = "lc-field-pages";
const OWNER_KEY = "/__lc-field-owner__";
const SHELL = {{ shell|safe }};
const LISTS = {{ lists|safe }};
const USER_HEADER = "{{ user_header }}";
const LOGIN = {{ login|safe }};
const LOGOUT = {{ logout|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("lc-field-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function owner() {
  const cache = await caches.open(PAGES_CACHE);
  const kept = await cache.match(OWNER_KEY);
  return kept ? kept.text() : "";
}

// The refresh in flight, if any: signing in or out stops it, so that no page it asked for with
// the previous user's cookies lands afterwards (each such page renews the CSRF cookie, which
// would no longer match the sign-in form).
let refreshAbort = null;

async function forgetPages() {
  await caches.delete(PAGES_CACHE);
}

// Someone signs in or out on this phone: stop the refresh and throw the pages away.
async function signedOut() {
  if (refreshAbort) refreshAbort.abort();
  await forgetPages();
}

// The pages belong to `user` from now on; another user's pages are thrown away first.
async function claimFor(user) {
  if (!user) return null;
  if ((await owner()) !== user) await forgetPages();
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(OWNER_KEY, new Response(user));
  return cache;
}

async function keepPage(request, response) {
  const user = response.headers.get(USER_HEADER);
  if (!user || !response.ok || response.redirected || response.type !== "basic") return;
  const cache = await claimFor(user);
  if (cache) await cache.put(request, response);
}

// What the lists name for the signed-in user (sent by the page, so no page asks for it twice
// at once); tells the pages when they are kept.
let refreshing = null;
async function refresh() {
  refreshAbort = new AbortController();
  const signal = refreshAbort.signal;
  let count = 0;
  for (const list of LISTS) {
    let reply;
    try {
      // A redirect is not followed: signed out, the list answers with one to the sign-in page,
      // and fetching that page here would give the browser a second CSRF cookie while the user
      // is signing in on the page itself.
      reply = await fetch(list, { credentials: "same-origin", cache: "no-store", redirect: "manual", signal });
    } catch (error) {
      return null; // offline: keep what is kept
    }
    if (!reply.ok) {
      if (reply.type === "opaqueredirect") await forgetPages(); // signed out
      return null;
    }
    const { user, pages } = await reply.json();
    const cache = await claimFor(user);
    if (!cache) return null;
    for (const url of pages) {
      try {
        const page = await fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual", signal });
        if (page.headers.get(USER_HEADER) === user && page.ok) {
          await cache.put(url, page);
          count += 1;
        }
      } catch (error) {
        return null;
      }
    }
  }
  return count;
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "forget") {
    event.waitUntil(signedOut());
    return;
  }
  if (message.type !== "refresh") return;
  if (!refreshing) refreshing = refresh().finally(() => (refreshing = null));
  event.waitUntil(
    refreshing.then(async (count) => {
      const clients = await self.clients.matchAll({ type: "window" });
      for (const client of clients) client.postMessage({ type: "kept", count, user: await owner() });
    })
  );
});

async function fromNetworkThenKept(request) {
  try {
    const response = await fetch(request);
    await keepPage(request, response.clone());
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES_CACHE);
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}

async function shellFile(request) {
  const kept = await caches.match(request, { ignoreSearch: true, cacheName: SHELL_CACHE });
  const fresh = fetch(request)
    .then(async (response) => {
      if (response.ok && response.type === "basic") {
        const cache = await caches.open(SHELL_CACHE);
        await cache.put(request, response.clone());
      }
      return response;
    })
    .catch(() => null);
  if (kept) return kept; // the fresh copy replaces it for the next load
  return (await fresh) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Never kept; signing out throws the pages away (the request itself goes on unchanged).
    if (url.pathname === LOGOUT) event.waitUntil(signedOut());
    return;
  }
  if (url.pathname === LOGIN) {
    event.waitUntil(signedOut());
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(shellFile(request));
    return;
  }
  if (request.mode === "navigate") event.respondWith(fromNetworkThenKept(request));
});
