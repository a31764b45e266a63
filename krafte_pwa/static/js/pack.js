/* Packing a sales order: each scanned lot is checked by the server (the reserved lot, or
   another usable lot with a warning; expired, blocked, quarantined lots and products not
   on the order are refused) and added to the packing list with the quantity to pack,
   which can be changed. "Ship what is packed" posts the list. */
(function () {
  "use strict";
  const K = window.Krafte;
  const form = document.getElementById("pack-form");
  if (!form) return;
  const list = form.querySelector("[data-packed]");
  const empty = form.querySelector("[data-empty]");
  const shipButton = form.querySelector("[data-ship]");

  function rows() { return Array.from(list.querySelectorAll("li")); }

  function packed() {
    const result = {};
    rows().forEach((row) => {
      const lot = row.querySelector("input[name=lot]").value;
      result[lot] = (parseFloat(result[lot] || "0") + parseFloat(row.querySelector("input[name=quantity]").value || "0")).toString();
    });
    return result;
  }

  function refresh() {
    const any = rows().length > 0;
    shipButton.disabled = !any;
    empty.hidden = any;
  }

  function addRow(answer) {
    const row = document.createElement("li");
    row.dataset.lot = answer.lot;
    if (answer.warning) row.classList.add("warn");
    const lot = document.createElement("input");
    lot.type = "hidden"; lot.name = "lot"; lot.value = answer.lot;
    const name = document.createElement("strong");
    name.className = "code"; name.textContent = answer.lot;
    const label = document.createElement("span");
    label.textContent = " " + answer.item_name + " ";
    const quantity = document.createElement("input");
    quantity.name = "quantity"; quantity.value = answer.suggested; quantity.size = 6;
    quantity.inputMode = "decimal"; quantity.setAttribute("aria-label", answer.lot);
    const unit = document.createElement("span");
    unit.textContent = " " + answer.unit + " ";
    const remove = document.createElement("button");
    remove.type = "button"; remove.textContent = form.dataset.remove;
    remove.addEventListener("click", () => { row.remove(); refresh(); });
    row.append(lot, name, label, quantity, unit, remove);
    list.appendChild(row);
    const reserved = document.querySelector(".sugg li[data-lot='" + answer.lot + "']");
    if (reserved) reserved.classList.add("picked");
    refresh();
  }

  K.scanner(document.getElementById("pack-scan"), async (hit) => {
    let res;
    try {
      res = await fetch("/api/v1/sales-orders/" + encodeURIComponent(form.dataset.order) + "/pick-check", {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": K.csrf()},
        body: JSON.stringify({payload: hit.code, packed: packed()})});
    } catch (e) {
      return K.T.offline;
    }
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) return (answer.error && answer.error.message) || form.dataset.error;
    if (!answer.accepted) return answer.message || form.dataset.error;
    addRow(answer);
    const message = K.fmt(form.dataset.added, {lot: answer.lot, quantity: answer.suggested + " " + answer.unit});
    return answer.warning ? {warn: true, message: answer.warning} : {message: message};
  });
  refresh();
})();
