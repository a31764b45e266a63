/* Forms marked data-queue post JSON to the API through the offline queue: sent at once
   when the network is there (a refusal is shown right away and dropped), kept otherwise.
   data-label names the T string of the queue's label, data-label-values adds to the form's
   values for it, data-after is "reload" or a page to open next, data-queue-when names a
   field that, left empty while online, lets the form post normally. */
const K = window.Krafte;
const T = K.T;
const Q = K.queue;

function keptForLater(form, label) {
  K.feedback(true);
  K.toast(T.queued + " " + label, "queued");
  form.reset();
  const first = form.querySelector("[autofocus]");
  if (first) first.focus();  // ready for the next scan
}

K.submitQueued = async function (form) {
  const payload = {};
  new FormData(form).forEach((value, key) => { if (key !== "csrf_token") payload[key] = value; });
  const values = Object.assign({}, payload, JSON.parse(form.dataset.labelValues || "{}"));
  const entry = await Q.add(form.dataset.queue, payload, form.dataset.label, values);
  const label = entry.label;
  const result = await Q.send(entry, false, true);
  form.dispatchEvent(new CustomEvent("krafte:result", {detail: {...result, entry: entry}}));
  if (result.outcome === "sent") {
    K.feedback(true);
    const after = form.dataset.after;
    if (after) {
      K.later(T.sent + " " + label);
      if (after === "reload") location.reload(); else location.assign(after);
    } else K.toast(T.sent + " " + label);
  } else if (result.outcome === "refused") {
    K.feedback(false);
    K.toast(result.error, "error");
  } else {
    keptForLater(form, label);
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
