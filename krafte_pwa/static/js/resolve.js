/* What a scanned text names: the server knows; offline, our own label URLs. */
const K = window.Krafte;
const SEGMENTS = {l: "lot", loc: "location", i: "item", mo: "production_order"};

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
    const local = K.localResolve(text);
    if (local) return local;
    throw new Error(K.T.offline);
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok) return data;
  throw new Error((data.error && data.error.message) || K.T.unknown);
};
