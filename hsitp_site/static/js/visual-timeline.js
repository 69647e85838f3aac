// The timeline page's visual view: TimelineJS (self-hosted, hsitp_site/static/vendor/) drawing
// /api/timeline.json with the reader's filters. Without JavaScript, or if TimelineJS fails to
// load, the list below it is the timeline; it stays for screen readers too.
(function () {
  "use strict";
  // On a phone the visual view is the timeline; the list below it folds behind its button
  // (open again on wider screens). Only once the view is drawn: if TimelineJS fails, the
  // list is all there is.
  function foldListOnPhones() {
    if (window.hsitpFoldOnPhones) window.hsitpFoldOnPhones(document.querySelectorAll("details.list-fold"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var frame = document.getElementById("visual-timeline");
    if (!frame || !window.TL || !window.TL.Timeline) return;
    frame.parentElement.hidden = false;
    var timeline = new window.TL.Timeline(frame, frame.dataset.source, {
      language: frame.dataset.language,
      script_path: frame.dataset.scriptPath,
      font: null, // the site's own fonts (site.css); TimelineJS would fetch one of its own
      hash_bookmark: false,
      timenav_position: "bottom",
      timenav_height_percentage: 35,
      scale_factor: 1,
      optimal_tick_width: 80
    });
    // A slide whose text may scroll must be reachable by keyboard: the title slide has no
    // link of its own to take the focus, so it takes it itself.
    timeline.on("ready", function () {
      frame.querySelectorAll(".tl-slide").forEach(function (slide) {
        if (!slide.querySelector("a[href], button")) slide.setAttribute("tabindex", "0");
      });
      frame.parentElement.setAttribute("data-drawn", "");  // for tests: the view is complete
      foldListOnPhones();
    });
  });
})();
