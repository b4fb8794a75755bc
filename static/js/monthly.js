// The monthly matrix: the Print button (shown only when scripts run; without them the browser's
// own Print prints the same A4 layout).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
