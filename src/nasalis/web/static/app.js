// Tell the server this browser's time zone, so "today" and "now" are the person's own.
(function () {
  var minutes = -new Date().getTimezoneOffset();
  document.cookie = "nasalis_tz=" + minutes + "; path=/; SameSite=Strict";
  document.querySelectorAll("input[name=tz]").forEach(function (input) { input.value = minutes; });
  document.addEventListener("htmx:load", function () {
    document.querySelectorAll("input[name=tz]").forEach(function (input) { input.value = minutes; });
  });
})();
