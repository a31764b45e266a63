/* Receive goods on a phone: one scan field fills what it names — a supplier's GTIN or
   GS1 barcode fills the item (and batch, expiry, quantity) of the line in progress, a
   shelf label fills the location. A barcode that names no item still fills batch, expiry
   and quantity, and offers to link it to the item chosen on that line. Choosing an item
   sets the location to its default one, unless the user chose a location. The item field
   searches as you type (a datalist). Offline, the receipt goes to the queue. */
(function () {
  "use strict";
  const K = window.Krafte;
  const T = K.T;
  const form = document.getElementById("receive-form");
  const box = form.querySelector("[data-lines]");
  const comma = (0.5).toLocaleString(document.documentElement.lang).includes(",");
  const options = document.getElementById("receive-items");
  const linkBox = document.querySelector("[data-link-barcode]");
  let active = null, locationChosen = false, unlinked = null;

  const itemOption = (sku) => Array.from(options.options).find((o) => o.value === sku) || null;
  form.elements.location.addEventListener("change", () => { locationChosen = true; });
  // An item chosen (typed, picked from the list or scanned): its default location.
  function itemChosen(line) {
    const option = itemOption(line.querySelector("[name=item]").value.trim());
    line.querySelector("[name=unit]").placeholder = option ? option.dataset.unit : T.base_unit;
    if (!option || locationChosen || !option.dataset.location) return;
    form.elements.location.value = option.dataset.location;
  }

  const lines = () => Array.from(box.querySelectorAll("[data-line]"));
  const empty = (line) => !line.querySelector("[name=item]").value &&
    Array.from(line.querySelectorAll("input")).every((i) => !i.value);

  function renumber() {
    lines().forEach((line, i) => {
      line.querySelector("legend").textContent = line.querySelector("legend").textContent.replace(/\d+/, i + 1);
    });
  }
  function addLine() {
    const line = lines()[0].cloneNode(true);
    line.querySelectorAll("input").forEach((i) => { i.value = ""; });
    box.append(line);
    renumber();
    return line;
  }
  // Without JavaScript three lines are there; with it, those filled in (at least one) and
  // a button for more. Only blank lines at the end go: a refused form comes back with a
  // blank line between two filled ones kept, so "Line 3" of its reason is the third line.
  const shown = lines();
  for (let last = shown.length - 1; last > 0 && empty(shown[last]); last -= 1) shown[last].remove();
  const add = form.querySelector("[data-add-line]");
  add.hidden = false;
  add.addEventListener("click", () => addLine().querySelector("[name=item]").focus());
  box.addEventListener("focusin", (event) => { active = event.target.closest("[data-line]"); });
  box.addEventListener("change", (event) => {
    if (event.target.name === "item") itemChosen(event.target.closest("[data-line]"));
  });
  lines().forEach((line) => { if (line.querySelector("[name=item]").value) itemChosen(line); });

  function lineInProgress() {
    if (active && active.isConnected && !active.querySelector("[name=item]").value) return active;
    return lines().find((line) => !line.querySelector("[name=item]").value) || addLine();
  }
  const decimal = (text) => (comma ? String(text).replace(".", ",") : String(text));

  const scanner = K.scanner(document.getElementById("receive-scan"), (hit) => {
    if (hit.kind === "location") {
      form.elements.location.value = hit.code;
      if (form.elements.location.value !== hit.code) return T.unknown + " — " + hit.code;
      return {message: K.fmt(T.filled_location, {code: hit.code})};
    }
    if (!["gtin", "gs1", "item"].includes(hit.kind)) return T.wrong_item;
    const line = lineInProgress();
    const fields = hit.fields || {};
    const set = (name, value) => { if (value) line.querySelector(`[name=${name}]`).value = value; };
    set("supplier_lot", fields.batch);
    set("expiry", fields.expiry);
    if (fields.quantity) {
      set("quantity", decimal(fields.quantity));
      set("unit", fields.unit);
    }
    active = line;
    if (!hit.item) {
      // Keep what it read; the user picks the item, then links the barcode in one tap.
      offerLink(fields.gtin || hit.code, line);
      line.querySelector("[name=item]").focus();
      return {warn: true, message: T.not_linked + " (" + hit.code + ")"};
    }
    const option = itemOption(hit.item);
    if (!option) return T.unknown + " — " + hit.item;
    line.querySelector("[name=item]").value = hit.item;
    itemChosen(line);
    hideLink();
    const next = line.querySelector("[name=quantity]");
    if (!next.value) next.focus();
    return {message: K.fmt(T.filled_item, {item: hit.item + " · " + option.textContent})};
  });

  function hideLink() {
    unlinked = null;
    linkBox.hidden = true;
  }
  function offerLink(code, line) {
    unlinked = {code: code, line: line};
    linkBox.querySelector("[data-link-text]").textContent = K.fmt(T.link_barcode, {code: code});
    linkBox.className = "flash warn";
    linkBox.hidden = false;
  }
  linkBox.querySelector("[data-link-button]").addEventListener("click", async () => {
    if (!unlinked) return;
    const field = unlinked.line.querySelector("[name=item]");
    const sku = field.value.trim();
    const text = linkBox.querySelector("[data-link-text]");
    if (!itemOption(sku)) {
      text.textContent = K.fmt(T.link_choose_item, {code: unlinked.code});
      field.focus();
      return;
    }
    let res, data;
    try {
      res = await fetch(form.dataset.linkUrl.replace("SKU", encodeURIComponent(sku)), {
        method: "POST", credentials: "same-origin", body: JSON.stringify({code: unlinked.code}),
        headers: {"Content-Type": "application/json", "X-CSRFToken": K.csrf(),
                  "Idempotency-Key": K.uuid()}});
      data = await res.json().catch(() => ({}));
    } catch (e) {
      K.feedback(false);
      text.textContent = T.offline;
      linkBox.dataset.offline = "1";
      return;
    }
    if (!res.ok) {
      K.feedback(false);
      text.textContent = (data.error && data.error.message) || T.error;
      linkBox.className = "flash error";
      return;
    }
    K.feedback(true);
    text.textContent = K.fmt(T.linked_barcode, {code: unlinked.code, item: sku});
    scanner.say(text.textContent, true);
    linkBox.className = "flash success";
    linkBox.querySelector("[data-link-button]").hidden = true;
    unlinked = null;
    setTimeout(() => {
      if (!unlinked) { linkBox.hidden = true; linkBox.querySelector("[data-link-button]").hidden = false; }
    }, 4000);
  });

  // "Offline" is stale once the network is back: the offer again.
  window.addEventListener("online", () => {
    if (!linkBox.dataset.offline) return;
    delete linkBox.dataset.offline;
    if (unlinked) offerLink(unlinked.code, unlinked.line);
  });

  // Offline: the same receipt as JSON for /api/v1/receipts, through the queue.
  form.addEventListener("submit", async (event) => {
    if (navigator.onLine) return;  // online: the ordinary post, then the labels page
    event.preventDefault();
    const names = ["item", "quantity", "unit", "supplier_lot", "expiry", "unit_cost", "line"];
    const rows = lines().map((line) => {
      const row = {};
      for (const name of names) {
        const field = line.querySelector(`[name=${name}]`);
        if (field && field.value.trim()) row[name] = field.value.trim();
      }
      return row;
    }).filter((row) => row.item || row.quantity);
    const payload = {supplier: form.elements.supplier.value, location: form.elements.location.value,
                     lines: rows};
    if (form.elements.purchase_order) payload.purchase_order = form.elements.purchase_order.value;
    const entry = await K.queue.add(form.dataset.receipt, payload, "receipt_label",
                                    {n: rows.length, location: payload.location});
    const result = await K.queue.send(entry);
    K.feedback(result.outcome !== "refused");
    K.toast(result.outcome === "sent" ? T.sent + " " + entry.label : T.queued + " " + entry.label,
            result.outcome === "sent" ? "success" : "queued");
    lines().slice(1).forEach((line) => line.remove());
    form.reset();
  });
})();
