/* The offline page: "Try again", and the pages the service worker kept (lots, locations,
   orders and task pages seen lately). */
(function () {
  "use strict";
  const again = document.querySelector("[data-reload]");
  if (again) again.addEventListener("click", () => location.reload());
  if (!window.caches) return;
  caches.open("krafte-pages").then((cache) => cache.keys()).then((keys) => {
    const list = document.getElementById("kept");
    for (const request of keys.reverse()) {
      const url = new URL(request.url);
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = url.pathname + url.search;
      a.textContent = decodeURIComponent(url.pathname);
      li.append(a);
      list.append(li);
    }
  });
})();
