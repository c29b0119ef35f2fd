// Refreshes a mailing's progress numbers every two seconds while it is being sent,
// from the console's own JSON (no third party). Without JavaScript, "Refresh" reloads.
(function () {
  "use strict";
  var section = document.getElementById("mailing-progress");
  if (!section) return;
  var moving = ["scheduled", "preparing", "sending"];
  function show(data) {
    section.querySelectorAll("[data-field]").forEach(function (el) {
      var value = data[el.getAttribute("data-field")];
      if (value === undefined) return;
      if (el.tagName === "PROGRESS") { el.value = value; el.textContent = value + " %"; }
      else { el.textContent = value === null ? "—" : value; }
    });
    return data.status;
  }
  function poll() {
    fetch(section.getAttribute("data-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var status = show(data);
        if (status !== section.getAttribute("data-status")) { window.location.reload(); return; }
        if (moving.indexOf(status) !== -1) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (moving.indexOf(section.getAttribute("data-status")) !== -1) window.setTimeout(poll, 2000);
})();
