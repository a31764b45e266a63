/* The start of every page, loaded last of the shared scripts (templates/base.html): the
   offline flag, the queue's badge, the service worker, and the replay of what waits, now,
   when the network returns, and every 30 seconds. */
const K = window.Krafte;

window.addEventListener("online", () => { K.showNetwork(); K.queue.replay(); });
window.addEventListener("offline", K.showNetwork);

document.addEventListener("DOMContentLoaded", () => {
  K.showNetwork();
  K.updateBadge();
  K.registerWorker();
  if (navigator.onLine) K.queue.replay();
});
setInterval(() => { if (navigator.onLine) K.queue.replay(); }, 30000);
