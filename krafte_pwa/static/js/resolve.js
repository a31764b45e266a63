/* What a scanned text names: the server knows; offline, our own label URLs, and the
   codes of lots and locations seen lately on this device (answers of the server, pages
   opened), typed or scanned. */
const K = window.Krafte;
const SEGMENTS = {l: "lot", loc: "location", i: "item", mo: "production_order"};
const RECENT = "krafte-recent-codes";
const KEEP = 300;

function recent() {
  try { return JSON.parse(localStorage.getItem(RECENT) || "{}"); } catch (e) { return {}; }
}
// Codes seen: [[kind, code], ...], the latest last; the oldest go past KEEP.
K.rememberCodes = function (seen) {
  const all = recent();
  for (const [kind, code] of seen) {
    if (!code || !["lot", "location"].includes(kind)) continue;
    const key = String(code).toUpperCase();
    delete all[key];  // most recent last
    all[key] = {kind: kind, code: code};
  }
  const keys = Object.keys(all);
  for (const old of keys.slice(0, Math.max(0, keys.length - KEEP))) delete all[old];
  try { localStorage.setItem(RECENT, JSON.stringify(all)); } catch (e) { /* full: skip */ }
};
K.rememberCode = (kind, code) => K.rememberCodes([[kind, code]]);
function recentResolve(text) {
  const hit = recent()[String(text).trim().toUpperCase()];
  if (!hit) return null;
  const segment = hit.kind === "lot" ? "l" : "loc";
  return {kind: hit.kind, code: hit.code, path: "/" + segment + "/" + encodeURIComponent(hit.code),
          offline: true};
}
// Seen on the page open now: its own lot or location, the lots and locations it links to or
// lists (a station's suggested lots), so their codes typed offline are known.
(function () {
  const seen = [];
  const page = (path) => /^\/(l|loc)\/([^/]+)\/?$/.exec(path);
  const links = Array.from(document.querySelectorAll("main a[href^='/l'], main a[href^='/loc']"),
                           (a) => page(new URL(a.href).pathname)).filter(Boolean);
  for (const m of links) seen.push([SEGMENTS[m[1]], decodeURIComponent(m[2])]);
  document.querySelectorAll("main [data-location]").forEach((e) => seen.push(["location", e.dataset.location]));
  document.querySelectorAll("main [data-lot]").forEach((e) => seen.push(["lot", e.dataset.lot]));
  const here = page(location.pathname);
  if (here) seen.push([SEGMENTS[here[1]], decodeURIComponent(here[2])]);
  if (seen.length) K.rememberCodes(seen);
})();

K.localResolve = function (text) {
  let path;
  try { path = new URL(String(text).trim()).pathname; } catch (e) { return null; }
  const m = /\/(l|loc|i|mo)\/([^/]+)\/?$/i.exec(path);
  if (!m) return null;
  const segment = m[1].toLowerCase();
  return {kind: SEGMENTS[segment], code: decodeURIComponent(m[2]),
          path: "/" + segment + "/" + m[2], offline: true};
};

K.resolve = async function (text) {
  let res;
  try {
    res = await fetch("/api/v1/scan", {
      method: "POST", credentials: "same-origin", body: JSON.stringify({payload: text}),
      headers: {"Content-Type": "application/json", "X-CSRFToken": K.csrf()}});
  } catch (e) {
    const local = K.localResolve(text) || recentResolve(text);
    if (local) return local;
    throw new Error(K.T.offline);
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok) {
    K.rememberCode(data.kind, data.code);
    return data;
  }
  throw new Error((data.error && data.error.message) || K.T.unknown);
};
