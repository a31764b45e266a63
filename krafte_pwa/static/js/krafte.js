/* Krafte on the shop floor, loaded first on every page: the window.Krafte namespace with
   the page's strings (T), the signed-in user, and small helpers the other scripts share.
   Then, in this order (templates/base.html): feedback.js, resolve.js, offline-queue.js,
   queued-forms.js, wedge.js, worker-registration.js, app.js. Each file is a module (its own
   scope, deferred, run in document order); they meet on window.Krafte, as the page
   scripts do. Vanilla, no build step. */
const T = JSON.parse(document.getElementById("k-strings").textContent);
const K = (window.Krafte = {T: T, user: document.body.dataset.user || ""});

const plurals = new Intl.PluralRules(document.documentElement.lang);
// text: a string with %(name)s, or {one, other} for a text that follows values.n
K.fmt = function (text, values) {
  if (text && typeof text === "object") {
    text = text[plurals.select(Number(values && values.n))] || text.other;
  }
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
