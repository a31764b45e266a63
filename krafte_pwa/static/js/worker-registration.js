/* The page's side of the service worker (/sw.js): registration, the "update available"
   prompt and the reload once the new worker takes over, task pages warmed for offline
   reading, and pages kept for offline reading forgotten at log out (the queue stays). */
const K = window.Krafte;
const body = document.body;

function prompt(worker) {
  const bar = document.querySelector("[data-update]");
  if (!bar || !navigator.serviceWorker.controller) return;
  bar.hidden = false;
  bar.querySelector("[data-update-reload]").onclick = () => worker.postMessage({type: "skip-waiting"});
}

function watch(reg) {
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
}

K.registerWorker = function () {
  if (!("serviceWorker" in navigator) || !body.dataset.sw) return;
  navigator.serviceWorker.register(body.dataset.sw, {scope: "/"}).then(watch)
    .catch(() => { /* no worker on plain HTTP: the queue still works */ });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !document.querySelector("[data-update]:not([hidden])")) return;
    reloading = true;
    location.reload();
  });
};

document.addEventListener("submit", (event) => {
  if (!event.target.matches("[data-logout]")) return;
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({type: "forget"});
  }
});
