/* The production station: scanning a lot ticks its line of the pick list; a lot that is
   not the suggested one is taken with a warning; an expired, blocked or quarantined lot,
   or one the order does not use, is refused. Start and complete go through the offline
   queue to the production API. */
(function () {
  "use strict";
  const K = window.Krafte;
  const T = K.T;
  const scanForm = document.getElementById("station-scan");
  const blob = document.getElementById("order-data");

  const plan = document.getElementById("plan-form");
  if (plan) {
    plan.addEventListener("krafte:result", (event) => {
      const r = event.detail;
      if (r.outcome === "sent") location.assign("/station/" + encodeURIComponent(r.data.number));
    });
  }
  if (!blob) {  // the list of orders: scanning an order label opens it
    if (scanForm) K.scanner(scanForm, (hit) => { location.assign("/station/" + encodeURIComponent(hit.code)); });
    return;
  }

  const order = JSON.parse(blob.textContent);
  order.requirements = order.requirements || [];
  const log = document.querySelector("[data-scanlog]");
  const number = new Intl.NumberFormat(document.documentElement.lang, {maximumFractionDigits: 6});
  const plain = new Intl.NumberFormat(document.documentElement.lang,
                                      {maximumFractionDigits: 6, useGrouping: false});
  // lot code -> {lot, location, quantity, item, unit, suggested}. The server keeps the
  // list (a reload or another device finds it); this device keeps a copy of what it could
  // not send yet (offline), sent when the network returns.
  const saved = "krafte-station-" + order.number;
  const unsent = JSON.parse(localStorage.getItem(saved) || "null");
  const fromServer = (order.picks || []).map((p) => [p.lot, {...p, quantity: plain.format(Number(p.quantity))}]);
  const picks = new Map(unsent || fromServer);

  const note = (message, kind) => {
    if (!log) return;  // a started or completed order: no lot is scanned
    const li = document.createElement("li");
    li.className = kind;
    li.textContent = new Date().toLocaleTimeString(document.documentElement.lang) + " · " + message;
    log.prepend(li);
  };
  let version = 0;
  let sending = Promise.resolve();
  let pause = 1000;  // online but no route yet: tried again after 1, 2, 4, 8, 16 s
  async function push() {  // one at a time, so the server keeps the latest list
    const sent = version;
    const list = Array.from(picks.values(), (p) => ({lot: p.lot, location: p.location,
                                                     quantity: p.quantity, suggested: !!p.suggested}));
    if (!navigator.onLine) return;
    let res;
    try {
      res = await fetch(`/api/v1/production-orders/${encodeURIComponent(order.number)}/station-picks`, {
        method: "PUT", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": K.csrf()},
        body: JSON.stringify({picks: list})});
    } catch (e) {
      // The network went: kept on this device, sent when it returns.
      if (navigator.onLine && pause <= 16000) { setTimeout(send, pause); pause *= 2; }
      return;
    }
    pause = 1000;
    if (sent === version) localStorage.removeItem(saved);
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      note((data.error && data.error.message) || T.refused, "fail");
    }
  }
  const send = () => { sending = sending.then(push); };
  const keep = () => {
    version += 1;
    localStorage.setItem(saved, JSON.stringify(Array.from(picks)));
    send();
  };
  if (unsent && order.status === "planned") send();
  else localStorage.removeItem(saved);
  window.addEventListener("online", () => { pause = 1000; if (localStorage.getItem(saved)) send(); });
  const requirement = (sku) => order.requirements.find((r) => r.item === sku);
  const suggestion = (code) => {
    for (const r of order.requirements) {
      const s = r.suggested.find((x) => x.lot === code);
      if (s) return [r, s];
    }
    return [null, null];
  };
  const picked = (sku) => Array.from(picks.values()).filter((p) => p.item === sku)
    .reduce((sum, p) => sum + Number(String(p.quantity).replace(",", ".")), 0);

  function render() {
    document.querySelectorAll(".sugg li[data-lot]").forEach((li) => {
      li.classList.toggle("picked", picks.has(li.dataset.lot));
    });
    document.querySelectorAll(".sugg li.extra").forEach((li) => li.remove());
    for (const p of picks.values()) {
      if (p.suggested) continue;
      const list = document.querySelector(`.req[data-item="${CSS.escape(p.item)}"] .sugg`);
      const li = document.createElement("li");
      li.className = "extra picked";
      li.dataset.extra = p.lot;
      const code = document.createElement("strong");
      code.className = "code";
      code.textContent = p.lot;
      const qty = document.createElement("input");
      qty.inputMode = "decimal";
      qty.value = p.quantity;
      qty.setAttribute("aria-label", p.lot);
      qty.addEventListener("change", () => { p.quantity = qty.value.trim(); keep(); });
      const drop = document.createElement("button");
      drop.type = "button";
      drop.textContent = "✕";
      drop.title = T.discard;
      drop.addEventListener("click", () => { picks.delete(p.lot); keep(); render(); });
      li.append(code, " · " + p.location + " · ", qty, " " + p.unit, drop);
      list.append(li);
    }
    for (const r of order.requirements) {
      const done = picked(r.item) >= Number(r.quantity) - 1e-9;
      const line = document.querySelector(`.req[data-item="${CSS.escape(r.item)}"]`);
      if (line) line.classList.toggle("done", done);  // started orders list no requirements
    }
  }

  async function lotFacts(code) {
    const res = await fetch("/api/v1/lots/" + encodeURIComponent(code), {credentials: "same-origin"});
    if (!res.ok) throw new Error(T.unknown + " — " + code);
    return res.json();
  }

  async function onLot(hit) {
    if (order.status !== "planned") return T.wrong_order;
    const code = hit.code;
    const [req, sugg] = suggestion(code);
    if (sugg) {  // the suggested lot: tick it, known even offline
      picks.set(code, {lot: code, location: sugg.location, quantity: sugg.quantity,
                       item: req.item, unit: req.unit, suggested: true});
      keep();
      render();
      const message = K.fmt(T.ticked, {lot: code, quantity: number.format(Number(sugg.quantity)) + " " + req.unit});
      note(message, "ok");
      return {message: message};
    }
    let lot;
    try {
      lot = await lotFacts(code);
    } catch (e) {
      note(e.message, "fail");
      return e.message;
    }
    const need = requirement(lot.item);
    const refuse = (message) => { note(message, "fail"); return message; };
    if (!need) return refuse(K.fmt(T.not_needed, {lot: code, item: lot.item_name}));
    if (lot.status !== "released") {
      return refuse(K.fmt(T.not_usable, {lot: code, why: T[lot.status] || lot.status}));
    }
    if (lot.expiry && lot.expiry < order.today) {
      return refuse(K.fmt(T.not_usable, {lot: code, why: T.expired}));
    }
    const where = (lot.balances || []).find((b) => Number(b.quantity) > 0);
    if (!where) return refuse(K.fmt(T.no_stock, {lot: code}));
    const remaining = Math.max(Number(need.quantity) - picked(lot.item), 0);
    const quantity = Math.min(remaining || Number(need.quantity), Number(where.quantity));
    picks.set(code, {lot: code, location: where.location, quantity: plain.format(quantity),
                     item: lot.item, unit: lot.unit, suggested: false});
    keep();
    render();
    const first = need.suggested[0];
    const message = first ? K.fmt(T.not_suggested, {lot: code, suggested: first.lot})
                          : K.fmt(T.ticked, {lot: code, quantity: plain.format(quantity)});
    note(message, first ? "warn" : "ok");
    return first ? {warn: true, message: message} : {message: message};
  }

  // A completed order has nothing to scan.
  if (scanForm) K.scanner(scanForm, (hit) => {
    if (hit.kind === "production_order") {
      location.assign("/station/" + encodeURIComponent(hit.code));
      return {message: hit.code};
    }
    return onLot(hit);
  });

  // A Start or Complete of this order saved offline and settled at replay (done, or refused
  // because someone moved the order on meanwhile): show the order as it now is.
  const mine = `/api/v1/production-orders/${encodeURIComponent(order.number)}/`;
  document.addEventListener("krafte:replayed", (event) => {
    if (!event.detail.entry.url.startsWith(mine)) return;
    if (event.detail.outcome === "sent") localStorage.removeItem(saved);
    location.reload();
  });

  const start = document.querySelector("[data-start]");
  if (start) {
    start.addEventListener("click", async () => {
      const list = Array.from(picks.values(), (p) => ({lot: p.lot, location: p.location,
                                                       quantity: p.quantity}));
      const entry = await K.queue.add(`/api/v1/production-orders/${encodeURIComponent(order.number)}/start`,
                                      {picks: list}, "start_label", {order: order.number, n: list.length});
      start.disabled = true;
      const result = await K.queue.send(entry, false, true);
      start.disabled = false;
      if (result.outcome === "sent") {
        localStorage.removeItem(saved);
        K.later(T.sent + " " + entry.label);
        location.reload();
      } else if (result.outcome === "refused") {
        K.feedback(false);
        note(result.error, "fail");
        K.toast(result.error, "error");
      } else {
        K.feedback(true);
        note(T.saved_offline + ": " + entry.label, "warn");
        K.toast(T.queued + " " + entry.label, "queued");
      }
    });
  }
  render();
})();
