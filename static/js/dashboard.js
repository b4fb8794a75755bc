// The matrix dashboard: division tabs and Chart.js charts. Data come from json_script blocks
// (strict CSP: no inline scripts). The live rankings are swapped in by htmx polling; the
// selected tabs are kept across swaps.
(function () {
  "use strict";

  var selected = {}; // tab group -> selected panel id

  function selectTab(group, panelId) {
    var tabs = document.querySelectorAll('[data-tabs="' + group + '"] [role="tab"]');
    if (!tabs.length) { return; }
    var exists = Array.prototype.some.call(tabs, function (t) { return t.dataset.tab === panelId; });
    if (!exists) { panelId = tabs[0].dataset.tab; }
    selected[group] = panelId;
    tabs.forEach(function (tab) {
      var on = tab.dataset.tab === panelId;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.setAttribute("tabindex", on ? "0" : "-1");
    });
    document.querySelectorAll('[data-tabpanel="' + group + '"]').forEach(function (panel) {
      panel.hidden = panel.id !== panelId;
      if (!panel.hidden) { loadOnce(panel, panel); }
    });
  }

  // Tabs after the first come empty with the page (a national deployment has over a hundred
  // divisions) and load once, when first shown; so do the rows below a top 30, when expanded.
  // A live swap brings them back empty (and collapsed); the selected tab loads again, fresh.
  function loadOnce(holder, target) {
    if (!holder.dataset.lazy || holder.dataset.loaded || typeof window.htmx === "undefined") { return; }
    holder.dataset.loaded = "true";
    window.htmx.ajax("GET", holder.dataset.lazy, { target: target, swap: "innerHTML" });
  }

  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.tagName === "DETAILS" && details.open && details.dataset.lazy) {
      loadOnce(details, details.querySelector("[data-lazy-target]"));
    }
  }, true);

  function initTabs(root) {
    root.querySelectorAll("[data-tabs]").forEach(function (list) {
      var group = list.dataset.tabs;
      var first = list.querySelector('[role="tab"]');
      selectTab(group, selected[group] || (first && first.dataset.tab));
    });
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest('[data-tabs] [role="tab"]');
    if (!tab) { return; }
    event.preventDefault();
    selectTab(tab.closest("[data-tabs]").dataset.tabs, tab.dataset.tab);
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest('[data-tabs] [role="tab"]');
    var moves = { ArrowRight: 1, ArrowLeft: -1, Home: "first", End: "last" };
    if (!tab || !(event.key in moves)) { return; }
    event.preventDefault();
    var tabs = Array.prototype.slice.call(tab.closest("[data-tabs]").querySelectorAll('[role="tab"]'));
    var move = moves[event.key];
    var next = move === "first" ? tabs[0] : move === "last" ? tabs[tabs.length - 1]
      : tabs[(tabs.indexOf(tab) + move + tabs.length) % tabs.length];
    selectTab(tab.closest("[data-tabs]").dataset.tabs, next.dataset.tab);
    next.focus();
  });

  function buildChart(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var scales = {};
    if (spec.stacked) {
      scales = { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } };
    } else if (spec.dualAxis) {
      scales = {
        y: { position: "left", beginAtZero: true, title: { display: true, text: spec.datasets[0].label } },
        y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
              title: { display: true, text: spec.datasets[1].label } }
      };
    } else {
      scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
    }
    spec.datasets.forEach(function (d) {
      if (spec.type === "line") { d.pointRadius = 0; d.tension = 0.2; d.backgroundColor = d.borderColor; }
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTabs(document);
    document.querySelectorAll("canvas[data-chart]").forEach(buildChart);
  });

  // htmx swapped in fresh rankings: keep the user's tabs.
  document.addEventListener("htmx:load", function () { initTabs(document); });
  document.addEventListener("htmx:afterSettle", function () { initTabs(document); });
})();
