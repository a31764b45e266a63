/* Receive goods on a phone: one scan field fills what it names — a supplier's GTIN or
   GS1 barcode fills the item (and batch, expiry, quantity) of the line in progress, a
   shelf label fills the location. Offline, the receipt goes to the queue. */
(function () {
  "use strict";
  const K = window.Krafte;
  const T = K.T;
  const form = document.getElementById("receive-form");
  const box = form.querySelector("[data-lines]");
  const comma = (0.5).toLocaleString(document.documentElement.lang).includes(",");
  let active = null;

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
    line.querySelector("select").value = "";
    box.append(line);
    renumber();
    return line;
  }
  // Without JavaScript three lines are there; with it, one, and a button for more.
  lines().slice(1).filter(empty).forEach((line) => line.remove());
  const add = form.querySelector("[data-add-line]");
  add.hidden = false;
  add.addEventListener("click", () => addLine().querySelector("select").focus());
  box.addEventListener("focusin", (event) => { active = event.target.closest("[data-line]"); });

  function lineInProgress() {
    if (active && active.isConnected && !active.querySelector("[name=item]").value) return active;
    return lines().find((line) => !line.querySelector("[name=item]").value) || addLine();
  }
  const decimal = (text) => (comma ? String(text).replace(".", ",") : String(text));

  K.scanner(document.getElementById("receive-scan"), (hit) => {
    if (hit.kind === "location") {
      form.elements.location.value = hit.code;
      if (form.elements.location.value !== hit.code) return T.unknown + " — " + hit.code;
      return {message: K.fmt(T.filled_location, {code: hit.code})};
    }
    if (!["gtin", "gs1", "item"].includes(hit.kind)) return K.fmt(T.wrong_kind, {kind: T.kind_item});
    if (!hit.item) return T.not_linked + " (" + hit.code + ")";
    const line = lineInProgress();
    const select = line.querySelector("[name=item]");
    select.value = hit.item;
    if (select.value !== hit.item) return T.unknown + " — " + hit.item;
    const fields = hit.fields || {};
    const set = (name, value) => { if (value) line.querySelector(`[name=${name}]`).value = value; };
    set("supplier_lot", fields.batch);
    set("expiry", fields.expiry);
    if (fields.quantity) {
      set("quantity", decimal(fields.quantity));
      set("unit", fields.unit);
    }
    active = line;
    const next = line.querySelector("[name=quantity]");
    if (!next.value) next.focus();
    return {message: K.fmt(T.filled_item, {item: select.selectedOptions[0].textContent})};
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
