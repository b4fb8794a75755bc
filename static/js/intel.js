// Intelligence record form: show the conditions box only for handling code C, and keep a subject
// ticked in the search results once the next search replaces them.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("record-form");
    if (!form) return;
    var conditions = document.getElementById("field-handling_conditions");
    function syncConditions() {
      if (!conditions) return;
      var checked = form.querySelector('input[name="handling_code"]:checked');
      conditions.hidden = !(checked && checked.value === "C");
    }
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "handling_code") syncConditions();
      var results = document.getElementById("subject-results");
      var selected = document.getElementById("selected-subjects");
      if (target.type === "checkbox" && results && selected && results.contains(target) && target.checked) {
        var item = target.closest("li");
        if (item) selected.appendChild(item);
      }
    });
    var search = document.getElementById("id_subject_q");
    if (search) {
      // Enter in the search box searches; it must not save a half-filled record.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    syncConditions();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
// Evidence checklist: a row filled in place is swapped by htmx, taking the focus with the button
// it replaced; give it to what the new row says (saved, or what is wrong) so a keyboard or
// screen-reader user hears it and carries on from there.
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-focus-after-swap]");
  if (!target) return;
  target.removeAttribute("data-focus-after-swap");
  target.focus();
});
