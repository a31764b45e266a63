/* Krafte service worker (rendered by web/pwa.py).
   Shell: versioned cache of CSS, JS, icons, manifest and the offline page.
   Pages: lots, locations, orders and task pages, network first, kept for offline
   reading (the most recent 80). Old shell caches go when a new worker activates. */
"use strict";
const VERSION = {{ version|tojson }};
const SHELL = "krafte-shell-" + VERSION;
const PAGES = "krafte-pages";
const SHELL_URLS = {{ shell|tojson }};
const OFFLINE = {{ offline_url|tojson }};
const PAGE_PATTERNS = {{ pages|tojson }}.map((p) => new RegExp(p));
const API_PATTERNS = {{ api|tojson }}.map((p) => new RegExp(p));
const MAX_PAGES = 80;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((key) => key.startsWith("krafte-shell-") && key !== SHELL)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") self.skipWaiting();
  else if (data.type === "warm") event.waitUntil(warm(data.urls || []));
  else if (data.type === "forget") event.waitUntil(caches.delete(PAGES));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (SHELL_URLS.includes(url.pathname + url.search) || url.pathname.startsWith("/static/")
             || url.pathname.startsWith("/icons/")) {
    event.respondWith(asset(request));
  } else if (API_PATTERNS.some((p) => p.test(url.pathname))) {
    event.respondWith(networkFirst(request, url));
  }
});

async function asset(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (err) {
    // Offline with a page cached under an older version: the current file will do.
    const older = await cache.match(request, {ignoreSearch: true});
    if (older) return older;
    throw err;
  }
}

function keep(url) {
  return PAGE_PATTERNS.some((p) => p.test(url.pathname));
}

async function remember(request, response) {
  const cache = await caches.open(PAGES);
  await cache.delete(request, {ignoreVary: true});  // most recent last
  await cache.put(request, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

async function fromPages(request) {
  const cache = await caches.open(PAGES);
  return cache.match(request, {ignoreVary: true});
}

async function page(request, url) {
  try {
    const response = await fetch(request);
    if (keep(url) && response.ok && response.type === "basic" && !response.redirected) {
      await remember(new Request(url.href), response.clone());
    }
    return response;
  } catch (err) {
    const hit = await fromPages(new Request(url.href));
    if (hit) return hit;
    return (await caches.match(OFFLINE)) || new Response("offline", {status: 503});
  }
}

async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok) await remember(new Request(url.href), response.clone());
    return response;
  } catch (err) {
    const hit = await fromPages(new Request(url.href));
    if (hit) return hit;
    throw err;
  }
}

async function warm(urls) {
  const cache = await caches.open(PAGES);
  for (const path of urls) {
    const url = new URL(path, self.location.origin);
    if (await cache.match(url.href, {ignoreVary: true})) continue;
    try {
      const response = await fetch(url.href, {credentials: "same-origin"});
      if (response.ok && !response.redirected) await cache.put(url.href, response);
    } catch (err) {
      return;  // offline: try again on the next page load
    }
  }
}
