// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Lists: on phones the filters fold behind their "Filters" button (open on wider screens,
  // and wherever a mistake in them is shown).
  document.addEventListener("DOMContentLoaded", function () {
    var folds = document.querySelectorAll("details.filters-fold:not([data-keep-open])");
    if (!folds.length || !window.matchMedia) return;
    var phone = window.matchMedia("(max-width: 40rem)");
    function fit() { folds.forEach(function (fold) { fold.open = !phone.matches; }); }
    fit();
    if (phone.addEventListener) phone.addEventListener("change", fit);
  });
  // Timeline: the year index marks the year being read as the reader scrolls.
  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll(".year-index a[href^='#y']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    links.forEach(function (link) { byId[link.getAttribute("href").slice(1)] = link; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var link = byId[entry.target.id];
        if (!link || !entry.isIntersecting) return;
        links.forEach(function (other) { other.removeAttribute("aria-current"); });
        link.setAttribute("aria-current", "location");
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) {
      var heading = document.getElementById(id);
      if (heading) observer.observe(heading);
    });
  });
})();
