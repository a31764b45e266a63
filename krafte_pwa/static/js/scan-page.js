/* The scan page: any code opens its page (a lot, a location, an item, an order). */
(function () {
  "use strict";
  const K = window.Krafte;
  K.scanner(document.getElementById("scan"), (hit) => {
    if (hit.path) {
      location.assign(hit.path);
      return {message: K.fmt(K.T.opening, {path: hit.path})};
    }
    return K.T.not_linked;
  });
})();
