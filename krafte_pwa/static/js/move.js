/* Move by scanning: the lot, then the destination, then the quantity. The move goes
   through the offline queue (sent at once when the network is there). */
(function () {
  "use strict";
  const K = window.Krafte;
  const form = document.getElementById("move-form");
  const f = form.elements;
  const card = document.querySelector("[data-lot-card]");
  const everywhere = Array.from(f.from.options, (o) => [o.value, o.textContent]);
  const number = new Intl.NumberFormat(document.documentElement.lang, {maximumFractionDigits: 6});
  const plain = new Intl.NumberFormat(document.documentElement.lang,
                                      {maximumFractionDigits: 6, useGrouping: false});
  let balances = {};

  function options(select, rows) {
    select.replaceChildren(...rows.map(([value, text]) => new Option(text, value)));
  }

  async function showLot(code) {
    f.lot.value = code;
    balances = {};
    card.hidden = false;
    card.querySelector("[data-lot-code]").textContent = code;
    card.querySelector("[data-lot-name]").textContent = "";
    const list = card.querySelector("[data-lot-balances]");
    list.replaceChildren();
    try {
      const res = await fetch("/api/v1/lots/" + encodeURIComponent(code), {credentials: "same-origin"});
      if (!res.ok) throw new Error(String(res.status));
      const lot = await res.json();
      card.querySelector("[data-lot-name]").textContent = lot.item_name;
      const storage = new Set(everywhere.map(([code]) => code));
      lot.balances = lot.balances.filter((b) => storage.has(b.location));  // not an order's WIP
      for (const b of lot.balances) {
        balances[b.location] = b.quantity;
        const li = document.createElement("li");
        li.textContent = b.location + " · " + number.format(Number(b.quantity)) + " " + lot.unit;
        list.append(li);
      }
      if (lot.balances.length) {
        options(f.from, lot.balances.map((b) => [b.location, b.location + " (" +
          number.format(Number(b.quantity)) + " " + lot.unit + ")"]));
      } else {
        K.toast(K.fmt(K.T.no_stock, {lot: code}), "error");
      }
    } catch (e) {
      options(f.from, everywhere);  // offline and never seen: any location
    }
  }

  K.scanner(document.getElementById("move-lot"), (hit) => {
    showLot(hit.code);
    document.getElementById("move-to-text").focus();
  });
  K.scanner(document.getElementById("move-to"), (hit) => {
    if (!Array.from(f.to.options).some((o) => o.value === hit.code)) f.to.add(new Option(hit.code, hit.code));
    f.to.value = hit.code;
    f.quantity.focus();
  });
  form.querySelector("[data-all]").addEventListener("click", () => {
    const all = balances[f.from.value];
    if (all) f.quantity.value = plain.format(Number(all));
  });
  form.addEventListener("krafte:result", (event) => {
    const outcome = event.detail.outcome;
    if (outcome === "refused") return;  // the form keeps its values to fix
    const li = document.createElement("li");
    li.className = outcome === "sent" ? "ok" : "queued";
    li.dataset.text = K.fmt(K.T.move_label, {
      quantity: f.quantity.value, lot: f.lot.value, from: f.from.value, to: f.to.value});
    li.textContent = (outcome === "sent" ? "✓ " : "⏳ ") + li.dataset.text;
    if (outcome !== "sent") li.dataset.key = event.detail.entry.key;
    document.querySelector("[data-move-log]").prepend(li);
    setTimeout(() => {  // after the queue's own reset of the form
      form.reset();
      card.hidden = true;
      options(f.from, everywhere);
      document.getElementById("move-lot-text").focus();
    });
  });
  // A move kept for later: its line follows it, sent or refused (with the reason).
  document.addEventListener("krafte:queue", async () => {
    const waiting = document.querySelectorAll("[data-move-log] li[data-key]");
    if (!waiting.length) return;
    const queue = await K.queue.all();
    const sent = new Set((await K.queue.sent()).map((s) => s.key));
    for (const li of waiting) {
      const entry = queue.find((e) => e.key === li.dataset.key);
      if (entry && entry.state === "refused") {
        li.className = "fail";
        K.fill(li, "✗ " + li.dataset.text + " — " + K.reason(entry), entry);
      } else if (sent.has(li.dataset.key)) {
        li.className = "ok";
        li.textContent = "✓ " + li.dataset.text;
        delete li.dataset.key;
      }
    }
  });
  if (f.lot.value) showLot(f.lot.value);
})();
