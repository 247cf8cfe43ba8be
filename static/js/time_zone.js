/* Fills every <input data-time-zone> with the browser's time zone (an IANA name such as
 * "America/Chicago"), so follow-ups arrive in the visitor's daytime and times are shown in
 * their zone. Without this file the field stays empty and the firm's zone is used. */
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  document.querySelectorAll("input[data-time-zone]").forEach(function (input) {
    if (!input.value) {
      input.value = zone;
    }
  });
})();
