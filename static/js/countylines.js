// County-line pages: picking nominals on the nomination form (search results come from htmx).
// No inline script (strict CSP); without this file the rest of the form still works.
document.addEventListener("DOMContentLoaded", function () {
  var rows = document.getElementById("nominal-rows");
  var template = document.getElementById("nominal-row-template");
  if (!rows || !template) { return; }

  document.body.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-nominal]");
    if (add) {
      event.preventDefault();
      var id = add.getAttribute("data-id");
      if (rows.querySelector('input[name="nominal"][value="' + id + '"]')) { return; }
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelector('input[name="nominal"]').value = id;
      row.querySelector("[data-label]").textContent = add.getAttribute("data-label");
      row.querySelector("select").setAttribute("aria-label", "Role of " + add.getAttribute("data-label"));
      rows.appendChild(row);
      var results = document.getElementById("nominal-results");
      if (results) { results.innerHTML = ""; }
      var search = document.getElementById("nominal-search");
      if (search) { search.value = ""; search.focus(); }
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      remove.closest("li").remove();
    }
  });
});
