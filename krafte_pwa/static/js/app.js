/* Krafte on the shop floor: service worker and update prompt, offline queue of actions
   (IndexedDB, one Idempotency-Key each), feedback (beep and vibration), toasts, and a
   keyboard-wedge scanner that works on any page. Vanilla, no build step. */
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("k-strings").textContent);
  const body = document.body;
  const me = body.dataset.user || "";
  const K = (window.Krafte = {T: T, user: me});

  /* ---------- small helpers */
  K.fmt = function (text, values) {
    return String(text).replace(/%\((\w+)\)s/g, (m, k) => (values && k in values ? values[k] : m));
  };
  K.csrf = function () {
    return document.querySelector('meta[name="csrf-token"]').content;
  };
  K.uuid = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // plain HTTP has no randomUUID
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  };
  K.toast = function (message, kind) {
    const box = document.querySelector("[data-toasts]");
    if (!box) return;
    const p = document.createElement("p");
    p.className = "flash " + (kind || "success");
    p.setAttribute("role", "status");
    p.textContent = message;
    box.prepend(p);
    setTimeout(() => p.remove(), kind === "error" ? 12000 : 5000);
  };
  // A message to show after the next page load (a reload after a successful action).
  K.later = (message) => sessionStorage.setItem("krafte-toast", message);
  const pending = sessionStorage.getItem("krafte-toast");
  if (pending) {
    sessionStorage.removeItem("krafte-toast");
    document.addEventListener("DOMContentLoaded", () => K.toast(pending));
  }

  /* ---------- feedback: a high beep and a short buzz for success, low and long for failure */
  let audio = null;
  const TONES = {ok: [[1320, 0, 0.12]], warn: [[660, 0, 0.12], [660, 0.2, 0.12]],
                 fail: [[220, 0, 0.18], [180, 0.24, 0.3]]};
  const BUZZ = {ok: 80, warn: [80, 60, 80], fail: [200, 100, 200]};
  K.feedback = function (result) {  // true, false or "warn"
    const ok = result === true;
    const kind = result === "warn" ? "warn" : ok ? "ok" : "fail";
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tones = TONES[kind];
      for (const [freq, start, length] of tones) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = kind === "fail" ? "square" : "sine";
        osc.frequency.value = freq;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + start);
        osc.stop(audio.currentTime + start + length);
      }
    } catch (e) { /* no audio: the vibration and the message remain */ }
    if (navigator.vibrate) navigator.vibrate(BUZZ[kind]);
    body.dataset.feedback = kind;
  };

  /* ---------- what a scanned text names: the server knows; offline, our own label URLs */
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
      throw new Error(T.offline);
    }
    const data = await res.json().catch(() => ({}));
    if (res.ok) return data;
    throw new Error((data.error && data.error.message) || T.unknown);
  };

  /* ---------- IndexedDB: the queue of actions waiting for the network, and what was sent */
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

  /* labelKey: the T string the label is made from, to remake it after an edit. */
  Q.add = async function (url, payload, labelKey, values, method) {
    const label = K.fmt(T[labelKey] || labelKey || url, values || payload);
    const entry = {method: method || "POST", url: url, body: payload, label: label, user: me,
                   labelKey: labelKey, key: K.uuid(), created: Date.now(), state: "pending"};
    entry.id = await Q.put(entry);
    updateBadge();
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
     whose answer was lost is not applied twice. */
  Q.send = async function (entry, retried) {
    let res;
    try {
      res = await fetch(entry.url, {
        method: entry.method, credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": K.csrf(),
                  "Idempotency-Key": entry.key},
        body: JSON.stringify(entry.body)});
    } catch (e) {
      return {outcome: "offline"};
    }
    const data = await res.json().catch(() => ({}));
    if (res.ok) {
      await Q.remove(entry.id);
      await store("sent", "readwrite", (s) => s.put({label: entry.label, at: Date.now(),
                                                      url: entry.url, answer: data}));
      trimSent();
      updateBadge();
      return {outcome: "sent", data: data};
    }
    const error = data.error || {};
    if (res.status === 401) return {outcome: "login"};
    if (error.code === "csrf_failed" && !retried && await fetchToken().catch(() => false)) {
      return Q.send(entry, true);
    }
    if (res.status >= 500 || res.status === 429 || error.code === "idempotency_in_progress") {
      return {outcome: "later"};
    }
    entry.state = "refused";
    entry.error = error.message || res.statusText || T.error;
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

  /* Replay what waits, oldest first; stops at the first sign of no network. */
  let replaying = null;
  Q.replay = function () {
    if (!me) return Promise.resolve();
    if (replaying) return replaying;
    const run = async () => {
      let sent = 0;
      for (const entry of await Q.all()) {
        if (entry.state !== "pending" || entry.user !== me) continue;
        const result = await Q.send(entry);
        if (result.outcome === "sent") sent += 1;
        else if (result.outcome === "login") { K.toast(T.login, "error"); break; }
        else if (result.outcome !== "refused") break;
      }
      if (sent) K.toast(K.fmt(T.sent_n, {n: sent}));
      document.dispatchEvent(new CustomEvent("krafte:queue"));
    };
    const locked = navigator.locks ? navigator.locks.request("krafte-replay", run) : run();
    replaying = locked.finally(() => { replaying = null; });
    return replaying;
  };

  async function updateBadge() {
    const link = document.querySelector("[data-queue-link]");
    if (!link) return;
    const entries = await Q.all();
    link.hidden = entries.length === 0;
    document.querySelectorAll("[data-queue-count]").forEach((el) => { el.textContent = entries.length; });
    link.classList.toggle("refused", entries.some((e) => e.state === "refused"));
    document.dispatchEvent(new CustomEvent("krafte:queue"));
  }
  K.updateBadge = updateBadge;

  /* Forms marked data-queue post JSON to the API through the queue: sent at once when
     the network is there (a refusal is shown right away and dropped), kept otherwise. */
  K.submitQueued = async function (form) {
    const payload = {};
    new FormData(form).forEach((value, key) => { if (key !== "csrf_token") payload[key] = value; });
    const values = Object.assign({}, payload, JSON.parse(form.dataset.labelValues || "{}"));
    const entry = await Q.add(form.dataset.queue, payload, form.dataset.label, values);
    const label = entry.label;
    const result = await Q.send(entry);
    form.dispatchEvent(new CustomEvent("krafte:result", {detail: result}));
    if (result.outcome === "sent") {
      K.feedback(true);
      const after = form.dataset.after;  // "reload", or a page to open next
      if (after) {
        K.later(T.sent + " " + label);
        if (after === "reload") location.reload(); else location.assign(after);
      } else K.toast(T.sent + " " + label);
    } else if (result.outcome === "refused") {
      await Q.remove(entry.id);
      updateBadge();
      K.feedback(false);
      K.toast(result.error, "error");
    } else {
      K.feedback(true);
      K.toast(T.queued + " " + label, "queued");
      form.reset();
      const first = form.querySelector("[autofocus]");
      if (first) first.focus();  // ready for the next scan
    }
    return result;
  };
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-queue]")) return;
    const needed = form.dataset.queueWhen && form.elements[form.dataset.queueWhen];
    if (needed && !needed.value.trim()) {
      if (navigator.onLine) return;  // the page's own next step (a plain POST)
      event.preventDefault();
      needed.focus();
      return;
    }
    event.preventDefault();
    K.submitQueued(form);
  });

  /* Log out: pages kept for offline reading belong to this user. The queue stays. */
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("[data-logout]")) return;
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "forget"});
    }
  });

  /* ---------- network status */
  function network() {
    const flag = document.querySelector("[data-offline-flag]");
    if (flag) flag.hidden = navigator.onLine;
    body.classList.toggle("is-offline", !navigator.onLine);
  }
  window.addEventListener("online", () => { network(); Q.replay(); });
  window.addEventListener("offline", network);

  /* ---------- service worker and the "update available" prompt */
  function registerWorker() {
    if (!("serviceWorker" in navigator) || !body.dataset.sw) return;
    navigator.serviceWorker.register(body.dataset.sw, {scope: "/"}).then((reg) => {
      const prompt = (worker) => {
        const bar = document.querySelector("[data-update]");
        if (!bar || !navigator.serviceWorker.controller) return;
        bar.hidden = false;
        bar.querySelector("[data-update-reload]").onclick = () => worker.postMessage({type: "skip-waiting"});
      };
      if (reg.waiting) prompt(reg.waiting);
      reg.addEventListener("updatefound", () => {
        const worker = reg.installing;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed") prompt(worker);
        });
      });
      navigator.serviceWorker.ready.then((ready) => {
        const urls = JSON.parse(body.dataset.warm || "[]");
        if (urls.length && ready.active) ready.active.postMessage({type: "warm", urls: urls});
      });
    }).catch(() => { /* no worker on plain HTTP: the queue still works */ });
    let reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (reloading || !document.querySelector("[data-update]:not([hidden])")) return;
      reloading = true;
      location.reload();
    });
  }

  /* ---------- a hardware scanner typing while no field has the focus: fast keys + Enter */
  let keys = "", last = 0;
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const now = Date.now();
    if (now - last > 100) keys = "";
    last = now;
    if (event.key === "Enter") {
      if (keys.length >= 4) {
        const text = keys;
        keys = "";
        // A page with a scan field (a task in progress) takes it; elsewhere, open it.
        const field = document.querySelector("form[data-scanner] input[name=payload]");
        if (field) {
          field.value = text;
          field.form.requestSubmit();
          return;
        }
        K.resolve(text).then((r) => {
          if (r && r.path) { K.feedback(true); location.assign(r.path); }
          else K.feedback(false);
        }, (e) => { K.feedback(false); K.toast(e.message, "error"); });
      }
      keys = "";
    } else if (event.key.length === 1) {
      keys += event.key;
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    network();
    updateBadge();
    registerWorker();
    if (navigator.onLine) Q.replay();
  });
  setInterval(() => { if (navigator.onLine) Q.replay(); }, 30000);
})();
