/* A hardware scanner (keyboard wedge) typing while no field has the focus: fast keys then
   Enter. A page with a scan field (a task in progress) takes the code; elsewhere the code
   is looked up and its page opened. */
const K = window.Krafte;
const GAP_MS = 100;  // slower than this is a person typing, not a scanner
const MIN_LENGTH = 4;
let keys = "", last = 0;

function take(text) {
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

document.addEventListener("keydown", (event) => {
  const t = event.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  const now = Date.now();
  if (now - last > GAP_MS) keys = "";
  last = now;
  if (event.key === "Enter") {
    const text = keys;
    keys = "";
    if (text.length >= MIN_LENGTH) take(text);
  } else if (event.key.length === 1) {
    keys += event.key;
  }
});
