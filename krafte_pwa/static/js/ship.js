/* Shipping: scanning a suggested lot ticks its row; another lot of the same product takes
   the place of the first row of that product not ticked yet (with a warning); a lot this
   shipment does not need is refused. Without JavaScript the rows are ticked by hand. */
(function () {
  "use strict";
  const K = window.Krafte;
  const form = document.getElementById("ship-form");
  const say = (key, values) => K.fmt(form.dataset[key], values);
  const rows = () => Array.from(form.querySelectorAll("[data-row]"));
  const ticked = (row) => row.querySelector("[data-confirm]").checked;
  const tick = (row) => { row.querySelector("[data-confirm]").checked = true; row.classList.add("picked"); };

  K.scanner(document.getElementById("ship-scan"), async (hit) => {
    const code = hit.code;
    const same = rows().find((row) => row.querySelector("[data-lot]").value.trim() === code);
    if (same) {
      tick(same);
      return {message: say("ticked", {lot: code})};
    }
    const res = await fetch("/api/v1/lots/" + encodeURIComponent(code), {credentials: "same-origin"});
    if (!res.ok) return form.dataset.unknown + " — " + code;
    const lot = await res.json();
    const free = rows().find((row) => row.dataset.item === lot.item && !ticked(row));
    if (!free) return say("notNeeded", {lot: code});
    const field = free.querySelector("[data-lot]");
    const suggested = field.value;
    field.value = code;
    tick(free);
    return {warn: true, message: say("swapped", {lot: code, suggested: suggested})};
  });
})();
