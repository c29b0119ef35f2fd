// Solidaria: an event's time in the visitor's own time zone, as the browser knows it.
// Progressive enhancement: without JavaScript the page offers a zone selector instead.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var language = document.documentElement.lang || undefined;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var day = new Intl.DateTimeFormat(language, { weekday: "long", day: "numeric", month: "long" });
  var clock = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" });
  document.querySelectorAll(".viewer-time[data-start]").forEach(function (element) {
    if (element.textContent.trim()) return; // the visitor chose a zone: keep it
    var start = new Date(element.getAttribute("data-start"));
    var end = new Date(element.getAttribute("data-end"));
    if (isNaN(start) || isNaN(end)) return;
    element.textContent =
      element.getAttribute("data-label") + " " + day.format(start) + ", " +
      clock.format(start) + "–" + clock.format(end) + (zone ? " (" + zone + ")" : "");
  });
})();
