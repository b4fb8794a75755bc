// The disruption log form: subject search-as-you-type chips and add-row for weapons and drugs.
// No inline scripts (strict CSP); the page still posts without this file, minus the conveniences.
(function () {
  "use strict";

  function addChip(button) {
    var chips = document.getElementById("subject-chips");
    var field = button.getAttribute("data-field");
    var id = button.getAttribute("data-id");
    if (chips.querySelector('input[name="' + field + '"][value="' + id + '"]')) { return; }
    var li = document.createElement("li");
    li.className = "chip";
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = field;
    input.value = id;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip__remove";
    remove.setAttribute("aria-label", "Remove " + button.getAttribute("data-label"));
    remove.textContent = "×";
    li.appendChild(input);
    li.appendChild(document.createTextNode(button.getAttribute("data-kind") + ": " + button.getAttribute("data-label") + " "));
    li.appendChild(remove);
    chips.appendChild(li);
  }

  function options() {
    return Array.prototype.slice.call(document.querySelectorAll("#subject-results .subject-option"));
  }

  function addRow(prefix) {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-template");
    var body = document.querySelector('table[data-formset="' + prefix + '"] tbody');
    if (!total || !template || !body) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    body.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("select, input");
    if (first) { first.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var search = document.getElementById("subject-search");
    if (!search) { return; }
    document.body.addEventListener("click", function (event) {
      var option = event.target.closest(".subject-option");
      if (option) {
        addChip(option);
        search.value = "";
        document.getElementById("subject-results").innerHTML = "";
        search.focus();
        return;
      }
      var remove = event.target.closest(".chip__remove");
      if (remove) {
        remove.closest(".chip").remove();
        search.focus();
        return;
      }
      var adder = event.target.closest("[data-add-row]");
      if (adder) { addRow(adder.getAttribute("data-add-row")); }
    });
    // Keyboard: Down/Up move through the matches, Enter picks, Escape closes; Enter in the search
    // box never submits the whole form.
    search.addEventListener("keydown", function (event) {
      var list = options();
      if (event.key === "Enter") {
        event.preventDefault();
        if (list.length === 1) { list[0].click(); }
        else if (list.length) { list[0].focus(); }
      } else if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "Escape") {
        document.getElementById("subject-results").innerHTML = "";
      }
    });
    document.getElementById("subject-results").addEventListener("keydown", function (event) {
      var list = options();
      var i = list.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && i < list.length - 1) { event.preventDefault(); list[i + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (i > 0 ? list[i - 1] : search).focus(); }
      else if (event.key === "Escape") { search.focus(); }
    });
  });
})();
