// Small progressive enhancements. Pages work without this file; no inline scripts (strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  // A confirm step for destructive buttons: <button data-confirm="Dismantle this line?">
  document.body.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Auto-submit filter forms when a select changes: <form data-autosubmit>
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
});
