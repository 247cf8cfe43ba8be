// Preselects the visitor's own time zone on the call-request form. Without this script the
// select still works, starting at the firm's zone (calls/views.py).
(function () {
  "use strict";
  var select = document.getElementById("id_time_zone");
  if (!select || select.dataset.chosen === "yes") { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var found = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (!found) {
    var option = document.createElement("option");
    option.value = zone;
    option.textContent = zone.replace(/_/g, " ");
    select.insertBefore(option, select.firstChild);
  }
  select.value = zone;
})();
