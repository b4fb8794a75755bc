// OCG pages: member picker helpers and the network chart. No inline scripts (strict CSP).
(function () {
  "use strict";

  function dedupePicked() {
    var body = document.getElementById("picked-members");
    if (!body) { return; }
    var seen = {};
    Array.prototype.slice.call(body.querySelectorAll("tr[data-nominal]")).forEach(function (row) {
      var id = row.getAttribute("data-nominal");
      if (seen[id]) { row.remove(); } else { seen[id] = true; }
    });
  }

  function clearNewPerson() {
    var box = document.getElementById("new-person");
    if (!box) { return; }
    box.querySelectorAll("input[type=text], input[type=date]").forEach(function (input) { input.value = ""; });
  }

  function drawNetwork(container) {
    if (typeof window.cytoscape !== "function") { return; }
    fetch(container.getAttribute("data-network-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var elements = data.nodes.map(function (n) {
          return { data: { id: n.id, label: n.label, kind: n.kind, url: n.url, focus: n.focus ? 1 : 0 } };
        }).concat(data.edges.map(function (e, i) {
          return { data: { id: "e" + i, source: e.source, target: e.target, label: e.label } };
        }));
        var cy = window.cytoscape({
          container: container,
          elements: elements,
          layout: { name: "cose", animate: false, padding: 20 },
          style: [
            { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-wrap": "wrap", "text-max-width": 120, "width": 22, "height": 22 } },
            { selector: "node[kind = 'ocg']", style: { "background-color": "#942514", "shape": "round-rectangle" } },
            { selector: "node[focus = 1]", style: { "width": 34, "height": 34, "border-width": 3, "border-color": "#ffdd00" } },
            { selector: "node[kind = 'nominal']", style: { "background-color": "#1d70b8", "shape": "ellipse" } },
            { selector: "node[kind = 'county_line']", style: { "background-color": "#00703c", "shape": "diamond" } },
            { selector: "edge", style: { "label": "data(label)", "font-size": 8, "width": 1.5, "line-color": "#b1b4b6", "curve-style": "bezier", "text-rotation": "autorotate" } }
          ]
        });
        cy.on("tap", "node", function (event) {
          var url = event.target.data("url");
          if (url) { window.location.href = url; }
        });
        // Kept on the element so scripts (and the browser tests) can find where nodes are drawn.
        container.cy = cy;
        container.setAttribute("data-ready", "true");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-remove-row]");
      if (remove) { remove.closest("tr").remove(); return; }
      var pick = event.target.closest("[data-pick-member]");
      if (pick) {
        var hidden = document.getElementById("id_nominal");
        var chosen = document.getElementById("member-chosen");
        if (hidden) { hidden.value = pick.getAttribute("data-pick-member"); }
        if (chosen) { chosen.textContent = "Chosen: " + pick.getAttribute("data-label"); chosen.classList.remove("muted"); }
      }
    });
    // Enter in a person search means "search", not "submit the nomination half filled in";
    // the results come from the search-as-you-type request anyway.
    document.body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.matches("[data-person-search]")) {
        event.preventDefault();
      }
    });
    document.body.addEventListener("htmx:afterSwap", dedupePicked);
    document.body.addEventListener("nominal-created", clearNewPerson);
    var network = document.getElementById("ocg-network");
    if (network) { drawNetwork(network); }
  });
})();
