// The header's search box: the arrow keys move from the box through its suggestions (links) and
// back, Escape closes them. Without this file the box is a plain form to the results page.
(function () {
  function panel() { return document.querySelector("[data-site-search-suggestions]"); }
  function choices() {
    var p = panel();
    return p ? Array.prototype.slice.call(p.querySelectorAll("[data-site-search-choice]")) : [];
  }
  function close() { var p = panel(); if (p) { p.innerHTML = ""; } }

  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("[data-site-search]");
    if (!form) { return; }
    var input = form.querySelector("input[type=search]");
    var list = choices();
    var i = list.indexOf(event.target);
    if (event.key === "Escape") {
      close();
      input.focus();
    } else if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(i + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && i >= 0) {
      event.preventDefault();
      (i > 0 ? list[i - 1] : input).focus();
    }
  });

  // A click elsewhere closes the suggestions.
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-site-search]")) { close(); }
  });
})();
