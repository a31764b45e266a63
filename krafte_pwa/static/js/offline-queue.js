/* The offline queue: actions waiting for the network in IndexedDB, one Idempotency-Key
   each, replayed oldest first; the last 20 sent kept for the queue page; the badge in the
   bar that counts what waits. Krafte.queue: add, send, replay, all, sent, put, remove.
   An entry keeps what describes it as a key of T and its values, and a refusal as the
   server's error (code, details, its message in every language): K.describe and K.reason
   put them in the language of the page that shows them. An entry saved before that (only
   its text) shows its text. */
const K = window.Krafte;
const T = K.T;
const me = K.user;
const lang = document.documentElement.lang;

// A quantity as typed ("2,5", "1 000", "2.5"), read as the server reads it, written the
// page's way; any other text as it is.
const number = new Intl.NumberFormat(lang, {maximumFractionDigits: 6});
function quantity(typed) {
  let text = String(typed).replace(/[\s\u00a0\u202f'’]/g, "");
  if (text.includes(",") && text.includes(".")) {
    text = text.lastIndexOf(",") > text.lastIndexOf(".")
      ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
  } else if ((text.match(/,/g) || []).length === 1) text = text.replace(",", ".");
  return /^[+-]?\d+(\.\d+)?$/.test(text) ? number.format(Number(text)) : typed;
}

K.describe = function (entry) {
  const text = entry.labelKey && entry.values && T[entry.labelKey];
  if (!text) return entry.label || entry.url || "";
  const values = Object.assign({}, entry.values);
  if ("quantity" in values) values.quantity = quantity(values.quantity);
  return K.fmt(text, values);
};
// An API error's message in the page's language, when the server sent it in every language.
K.inPageLanguage = function (error) {
  if (!error) return "";
  return (error.translations && error.translations[lang]) || error.message || "";
};
K.reason = function (entry) {
  return K.inPageLanguage(entry.refusal) || entry.error || T.error;
};
// `text` into `el`, the entry's codes (lot, locations: its values with a - / or .) each in a
// span that never breaks: "R261202-004" stays on one line however narrow the screen.
K.fill = function (el, text, entry) {
  const codes = Object.values((entry && entry.values) || {})
    .filter((v) => typeof v === "string" && /^\S*[-/.]\S*$/.test(v))
    .sort((a, b) => b.length - a.length)
    .map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!codes.length) { el.textContent = text; return el; }
  el.replaceChildren(...String(text).split(new RegExp("(" + codes.join("|") + ")")).map(
    (part, i) => {
      if (i % 2 === 0) return part;
      const span = document.createElement("span");
      span.className = "nobreak";
      span.textContent = part;
      return span;
    }));
  return el;
};

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("krafte", 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("queue", {keyPath: "id", autoIncrement: true});
      req.result.createObjectStore("sent", {keyPath: "id", autoIncrement: true});
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
let dbPromise = null;
function store(name, mode, work) {
  dbPromise = dbPromise || open();
  return dbPromise.then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const req = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error);
  }));
}
const Q = (K.queue = {
  all: () => store("queue", "readonly", (s) => s.getAll()),
  sent: () => store("sent", "readonly", (s) => s.getAll()),
  put: (entry) => store("queue", "readwrite", (s) => s.put(entry)),
  remove: (id) => store("queue", "readwrite", (s) => s.delete(id)),
});

/* labelKey: the T string the description is made from, with `values` (the payload's by
   default), in the language of the page that shows it. `label`: that text as it was. */
Q.add = async function (url, payload, labelKey, values, method) {
  const entry = {method: method || "POST", url: url, body: payload, user: me, lang: lang,
                 labelKey: labelKey, values: Object.assign({}, values || payload),
                 key: K.uuid(), created: Date.now(), state: "pending"};
  entry.label = T[labelKey] ? K.describe(entry) : labelKey || url;
  entry.id = await Q.put(entry);
  await updateBadge();  // counted before the page says it is saved
  return entry;
};

async function fetchToken() {
  const res = await fetch("/pwa/token", {credentials: "same-origin"});
  if (!res.ok) return false;
  document.querySelector('meta[name="csrf-token"]').content = (await res.json()).csrf_token;
  return true;
}

/* One attempt: "sent", "refused" (kept with the server's reason), or a reason to wait:
   "offline", "login", "later". A replay carries the same Idempotency-Key, so an action
   whose answer was lost is not applied twice. `direct`: sent by the user just now, whose
   page shows a refusal itself; it is dropped, not kept as a refused saved action. */
Q.send = async function (entry, retried, direct) {
  let res;
  try {
    res = await fetch(entry.url, {
      method: entry.method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": K.csrf(),
                "Idempotency-Key": entry.key},
      body: JSON.stringify(entry.body)});
  } catch (e) {
    // Sent just now from a page that thinks it is online: queued, and replayed on the
    // same quick schedule as after the network returns, not at the next 30-second round.
    if (direct && navigator.onLine) setTimeout(Q.replay, 1000);
    return {outcome: "offline"};
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok) {
    await Q.remove(entry.id);
    await store("sent", "readwrite", (s) => s.put({
      label: entry.label, labelKey: entry.labelKey, values: entry.values, at: Date.now(),
      url: entry.url, answer: data, key: entry.key}));
    trimSent();
    updateBadge();
    return {outcome: "sent", data: data};
  }
  const error = data.error || {};
  if (res.status === 401) return {outcome: "login"};
  if (error.code === "csrf_failed" && !retried && await fetchToken().catch(() => false)) {
    return Q.send(entry, true, direct);
  }
  if (res.status >= 500 || res.status === 429 || error.code === "idempotency_in_progress") {
    return {outcome: "later"};
  }
  if (direct) {
    await Q.remove(entry.id);
    await updateBadge();  // the page that shows the refusal no longer counts it as waiting
    return {outcome: "refused", error: K.inPageLanguage(error) || res.statusText || T.error};
  }
  entry.state = "refused";
  entry.error = error.message || res.statusText || T.error;  // as it came, for older pages
  entry.refusal = {code: error.code, message: entry.error, details: error.details,
                   translations: error.translations, lang: lang};
  entry.status = res.status;
  await Q.put(entry);
  updateBadge();
  return {outcome: "refused", error: entry.error};
};

async function trimSent() {
  const sent = await Q.sent();
  for (const old of sent.slice(0, Math.max(0, sent.length - 20))) {
    await store("sent", "readwrite", (s) => s.delete(old.id));
  }
}

/* Replay what waits, oldest first; stops at the first sign of no network. Answers whether
   it stopped for want of network. */
async function replayAll() {
  let sent = 0;
  let offline = false;
  for (const entry of await Q.all()) {
    if (entry.state !== "pending" || entry.user !== me) continue;
    const result = await Q.send(entry);
    if (result.outcome === "sent" || result.outcome === "refused") {
      // The page showing what this action was about can show it as it now is.
      document.dispatchEvent(new CustomEvent("krafte:replayed",
                                             {detail: {entry: entry, outcome: result.outcome}}));
    }
    if (result.outcome === "sent") sent += 1;
    else if (result.outcome === "login") { K.toast(T.login, "error"); break; }
    else if (result.outcome !== "refused") { offline = result.outcome === "offline"; break; }
  }
  if (sent) K.toast(K.fmt(T.sent_n, {n: sent}));
  document.dispatchEvent(new CustomEvent("krafte:queue"));
  return offline;
}
// The browser can say it is online before requests get through (Wi-Fi joined, no route
// yet): a replay that finds no network then is tried again after 1, 2, 4, 8 and 16 s
// rather than at the next 30-second round.
let replaying = null;
let retry = null;
let pause = 1000;
Q.replay = function () {
  if (!me) return Promise.resolve();
  if (replaying) return replaying;
  clearTimeout(retry);
  const locked = navigator.locks ? navigator.locks.request("krafte-replay", replayAll)
                                 : replayAll();
  replaying = locked.then((offline) => {
    if (offline && navigator.onLine && pause <= 16000) {
      retry = setTimeout(Q.replay, pause);
      pause *= 2;
    } else pause = 1000;
  }).finally(() => { replaying = null; });
  return replaying;
};

// Counts are drawn in the order they were asked for: a count read before an entry left the
// queue never overwrites the one read after. Never rejects: a badge that could not be drawn
// must not make a saved action look unsaved (and be saved again).
let badge = Promise.resolve();
function updateBadge() {
  badge = badge.then(drawBadge).catch((e) => console.error(e));
  return badge;
}
async function drawBadge() {
  const link = document.querySelector("[data-queue-link]");
  if (!link) return;
  const entries = await Q.all();
  link.hidden = entries.length === 0;
  document.querySelectorAll("[data-queue-count]").forEach((el) => { el.textContent = entries.length; });
  link.classList.toggle("refused", entries.some((e) => e.state === "refused"));
  showRefused(entries.filter((e) => e.state === "refused" && e.user === me));
  document.dispatchEvent(new CustomEvent("krafte:queue"));
}

/* What the server refused at replay, on whatever page the user is on: a banner with the
   reason, until it is sent again or discarded on the queue page. */
function showRefused(refused) {
  const main = document.querySelector("main");
  if (!main) return;
  let banner = document.querySelector("[data-refused-banner]");
  if (!refused.length) {
    if (banner) banner.remove();
    return;
  }
  if (!banner) {
    banner = document.createElement("div");
    banner.className = "flash error refused-banner";
    banner.dataset.refusedBanner = "";
    banner.setAttribute("role", "alert");
    const toasts = main.querySelector("[data-toasts]");
    if (toasts) toasts.after(banner); else main.prepend(banner);
  }
  const title = document.createElement("strong");
  title.textContent = K.fmt(T.refused_n, {n: refused.length});
  const items = document.createElement("ul");
  for (const entry of refused) {
    const li = document.createElement("li");
    K.fill(li, K.describe(entry) + " — " + K.reason(entry), entry);
    items.append(li);
  }
  const parts = [title, items];
  const link = document.querySelector("[data-queue-link]");
  if (link && !document.querySelector("[data-queue-list]")) {
    const a = document.createElement("a");
    a.href = link.getAttribute("href");
    a.textContent = T.open_queue;
    parts.push(a);
  }
  banner.replaceChildren(...parts);
}
K.updateBadge = updateBadge;
