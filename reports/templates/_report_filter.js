(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  bar.hidden = false;
  var keys = ["pillar", "status", "severity", "risk"];
  var selects = {};
  keys.forEach(function (k) { selects[k] = document.getElementById("filter-" + k); });
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));
  var counter = document.getElementById("filter-count");

  function matches(el, active) {
    for (var i = 0; i < active.length; i++) {
      var key = active[i][0], want = active[i][1];
      var have = el.getAttribute("data-" + key);
      if (have === null) { continue; }  // this filter does not apply to this kind of item
      if (have.split(" ").indexOf(want) < 0) { return false; }
    }
    return true;
  }

  function apply() {
    var active = [];
    keys.forEach(function (k) {
      var s = selects[k];
      if (s && s.value) { active.push([k, s.value]); }
    });
    items.forEach(function (el) { el.hidden = !matches(el, active); });
    groups.forEach(function (g) {
      g.hidden = active.length > 0 && !g.querySelector("[data-filter]:not([hidden])");
    });
    var shown = { question: 0, finding: 0 }, total = { question: 0, finding: 0 };
    items.forEach(function (el) {
      var kind = el.getAttribute("data-filter");
      if (!(kind in total)) { return; }
      total[kind] += 1;
      if (!el.hidden && !el.closest("[hidden]")) { shown[kind] += 1; }
    });
    if (counter) {
      counter.textContent = "Showing " + shown.question + " of " + total.question + " questions, " +
        shown.finding + " of " + total.finding + " findings";
    }
  }

  keys.forEach(function (k) { if (selects[k]) { selects[k].addEventListener("change", apply); } });
  var reset = document.getElementById("filter-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      keys.forEach(function (k) { if (selects[k]) { selects[k].value = ""; } });
      apply();
    });
  }

  function setOpen(open) {
    document.querySelectorAll("main details").forEach(function (d) { d.open = open; });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setOpen(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setOpen(false); }); }

  // Printing shows everything: open every details element, and restore the reader's view afterwards.
  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    closedBeforePrint = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    closedBeforePrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (d) { d.open = false; });
    closedBeforePrint = [];
  });
  apply();
})();
