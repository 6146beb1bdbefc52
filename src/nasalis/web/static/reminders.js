// The Settings page's reminder section: offer the browser's time zone, copy the feed address.
(function () {
  "use strict";
  function setUp() {
    var zone = document.querySelector("[data-browser-zone='fill']");
    if (zone) {
      try {
        var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (own) zone.value = own;
      } catch (e) { /* an old browser: UTC stays */ }
    }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-copy"));
        if (!field) return;
        field.select();
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
        else { document.execCommand("copy"); done(); }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
