// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // A fold (<details class="phone-fold">) closes on phones and opens on wider screens, and
  // follows the screen as it turns. Without this file every fold stays open.
  window.hsitpFoldOnPhones = function (folds) {
    if (!folds.length || !window.matchMedia) return;
    var phone = window.matchMedia("(max-width: 40rem)");
    function fit() { folds.forEach(function (fold) { fold.open = !phone.matches; }); }
    fit();
    if (phone.addEventListener) phone.addEventListener("change", fit);
  };
  // Lists: the filters fold behind their "Filters" button, except where a mistake in them
  // is shown. (The timeline's list folds once its visual view is drawn: visual-timeline.js.)
  document.addEventListener("DOMContentLoaded", function () {
    window.hsitpFoldOnPhones(document.querySelectorAll("details.filters-fold:not([data-keep-open])"));
  });
})();
