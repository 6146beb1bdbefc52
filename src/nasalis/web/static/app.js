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

// The installable app: the service worker keeps the shell, so the app opens with no connection.
(function () {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { return null; });
  }
  // A boosted link followed with no connection: load it for real, so the worker can show the
  // offline page (htmx's own request would fail without a word).
  document.addEventListener("htmx:sendError", function (event) {
    var detail = event.detail || {};
    var config = detail.requestConfig || {};
    var path = detail.pathInfo && detail.pathInfo.requestPath;
    if (config.verb === "get" && path) {
      window.location.href = path;
      return;
    }
    // Twitch now and the check-in are kept on the device by queue.js instead.
    var form = event.target;
    if (form && form.matches && form.matches("form[data-offline], #check-in-form")) { return; }
    var box = document.getElementById("waiting");
    if (box) {
      box.textContent = "No connection: that was not saved. Twitch now and the check-in can be logged offline.";
      box.hidden = false;
    }
  });
  // "More" on the phone's tab bar closes once a page from it is chosen (htmx keeps the bar).
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("nav.tabs details[open]").forEach(function (d) { d.open = false; });
  });
})();
