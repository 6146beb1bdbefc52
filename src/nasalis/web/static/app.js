// Tell the server this browser's time zone, so "today" and "now" are the person's own.
(function () {
  var minutes = -new Date().getTimezoneOffset();
  document.cookie = "nasalis_tz=" + minutes + "; path=/; SameSite=Strict";
  document.querySelectorAll("input[name=tz]").forEach(function (input) { input.value = minutes; });
  document.addEventListener("htmx:load", function () {
    document.querySelectorAll("input[name=tz]").forEach(function (input) { input.value = minutes; });
  });
})();

// After "Twitch now" the details form is what the person needs next. Without JavaScript the
// redirect's #details fragment scrolls there; htmx's boosted redirect drops fragments, so scroll
// to the element the page marks instead.
(function () {
  function scrollToMarked() {
    var target = document.querySelector("[data-scroll-here]");
    if (target) { target.scrollIntoView({ block: "start" }); }
  }
  document.addEventListener("DOMContentLoaded", scrollToMarked);
  // htmx scrolls a boosted page to its top once it has settled: scroll after that.
  document.addEventListener("htmx:afterSettle", function () { setTimeout(scrollToMarked, 0); });
})();
