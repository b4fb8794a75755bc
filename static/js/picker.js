// Pickers (kentsoc.web.pickers): a search box whose type-ahead suggestions (htmx) are links.
// Choosing one puts its value in the hidden input and submits the filter form; without this file
// the links still work, as plain links to the filtered list. No inline scripts (strict CSP).
(function () {
  "use strict";

  function parts(el) {
    var box = el && el.closest("[data-picker]");
    if (!box) { return null; }
    return {
      box: box,
      value: box.querySelector("[data-picker-value]"),
      text: box.querySelector("[data-picker-text]"),
      options: box.querySelector(".picker__options")
    };
  }

  function links(p) {
    return Array.prototype.slice.call(p.options.querySelectorAll("[data-picker-choice]"));
  }

  function submit(p) {
    var form = p.box.closest("form");
    if (form) { form.requestSubmit(); }
  }

  function choose(p, link) {
    p.value.value = link.getAttribute("data-value");
    p.text.value = link.getAttribute("data-label");
    p.text.setAttribute("data-label", p.text.value);
    p.options.innerHTML = "";
    p.text.focus();
    submit(p);
  }

  function clear(p) {
    p.value.value = "";
    p.text.value = "";
    p.text.setAttribute("data-label", "");
    p.options.innerHTML = "";
    var remove = p.box.querySelector("[data-picker-clear]");
    if (remove) { remove.remove(); }
    p.text.focus();
    submit(p);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-picker-choice], [data-picker-clear]");
    var p = parts(link);
    if (!p) { return; }
    event.preventDefault();
    if (link.hasAttribute("data-picker-choice")) { choose(p, link); } else { clear(p); }
  });

  // The search box's own "change" must not submit the filter form: only a choice does.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-picker-text]")) { event.stopPropagation(); }
  }, true);

  // Typing something else forgets the chosen value; emptying the box removes the filter.
  document.addEventListener("input", function (event) {
    var p = event.target.matches && event.target.matches("[data-picker-text]") ? parts(event.target) : null;
    if (!p || p.text.value === p.text.getAttribute("data-label")) { return; }
    var had = p.value.value;
    p.value.value = "";
    if (had && !p.text.value.trim()) { clear(p); }
  });

  document.addEventListener("keydown", function (event) {
    var p = parts(event.target);
    if (!p) { return; }
    var list = links(p);
    if (event.target === p.text) {
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "Enter" && p.text.value.trim()) {
        // Enter picks the only match (or goes to the first); it never submits half-typed text.
        event.preventDefault();
        if (list.length === 1) { choose(p, list[0]); } else if (list.length) { list[0].focus(); }
      } else if (event.key === "Escape") {
        p.options.innerHTML = "";
      }
      return;
    }
    var i = list.indexOf(event.target);
    if (i < 0) { return; }
    if (event.key === "ArrowDown" && i < list.length - 1) {
      event.preventDefault();
      list[i + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (i > 0 ? list[i - 1] : p.text).focus();
    } else if (event.key === "Escape") {
      p.text.focus();
      p.options.innerHTML = "";
    }
  });
})();
