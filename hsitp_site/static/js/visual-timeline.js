// The timeline page's visual view: TimelineJS (self-hosted, hsitp_site/static/vendor/) drawing
// /api/timeline.json with the reader's filters. Without JavaScript, or if TimelineJS fails to
// load, the list below it is the timeline; it stays for screen readers too.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var frame = document.getElementById("visual-timeline");
    if (!frame || !window.TL || !window.TL.Timeline) return;
    frame.parentElement.hidden = false;
    new window.TL.Timeline(frame, frame.dataset.source, {
      language: frame.dataset.language,
      script_path: frame.dataset.scriptPath,
      font: null, // the site's own fonts (site.css); TimelineJS would fetch one of its own
      hash_bookmark: false,
      timenav_position: "bottom",
      timenav_height_percentage: 35,
      scale_factor: 1,
      optimal_tick_width: 80
    });
  });
})();
