/* The start of every page, loaded last of the shared scripts (templates/base.html): the
   offline flag, the queue's badge, the service worker, and the replay of what waits, now,
   when the network returns, and every 30 seconds. */
const K = window.Krafte;

window.addEventListener("online", () => { K.showNetwork(); K.queue.replay(); });
window.addEventListener("offline", K.showNetwork);

// Under 480 px tables become stacked cards (app.css, CSS only): each cell shows its
// column's name from data-label. The shop-floor templates write it (lot, location, station);
// for the other tables it is taken here from the table's header.
K.labelCells = function (root) {
  for (const table of (root || document).querySelectorAll("table")) {
    const heads = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      let column = 0;
      for (const cell of row.cells) {
        if (!cell.hasAttribute("data-label") && heads[column]) cell.dataset.label = heads[column];
        column += cell.colSpan || 1;
      }
    }
  }
};

// Moments the server wrote in UTC (the datetime filter): in this device's time zone, in
// the page's language.
K.localTimes = function (root) {
  const format = new Intl.DateTimeFormat(document.documentElement.lang,
                                         {dateStyle: "medium", timeStyle: "short"});
  for (const time of (root || document).querySelectorAll("time[data-local]")) {
    const moment = new Date(time.dateTime);
    if (!isNaN(moment)) time.textContent = format.format(moment);
  }
};

document.addEventListener("DOMContentLoaded", () => {
  K.labelCells();
  K.localTimes();
  K.showNetwork();
  K.updateBadge();
  K.registerWorker();
  if (navigator.onLine) K.queue.replay();
});
setInterval(() => { if (navigator.onLine) K.queue.replay(); }, 30000);
