// The check-in reminder as a Notification, for a person who opted in on this device (Settings).
// No push server: while a nasalis page is open (in a tab or as the installed app) a timer waits
// for the reminder time, asks the server whether today's check-in is still missing, and asks the
// service worker to show the notification, at most once a day on this device.
(function () {
  "use strict";
  var OPTED = "nasalis-remind", SHOWN = "nasalis-reminded";
  var timer = null;

  function supported() { return "Notification" in window && "serviceWorker" in navigator; }
  function signedIn() {
    var box = document.getElementById("waiting");
    return box !== null && box.hasAttribute("data-owner");
  }
  function on() { return supported() && Notification.permission === "granted" && localStorage.getItem(OPTED) === "on"; }

  function remind(date) {
    if (localStorage.getItem(SHOWN) === date) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      if (!reg.active) { return; }
      localStorage.setItem(SHOWN, date);
      reg.active.postMessage({ type: "remind", date: date });
    });
  }
  function check() {
    clearTimeout(timer);
    if (!on() || !signedIn()) { return; }
    fetch("/api/reminder", { headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (state) {
      if (!state || !state.check_in_missing) { return; }
      if (state.due) { remind(state.date); return; }
      var parts = state.reminder_time.split(":"), at = new Date();
      at.setHours(Number(parts[0]), Number(parts[1]), 0, 0);
      var wait = at.getTime() - Date.now();
      if (wait > 0) { timer = setTimeout(check, wait + 1000); }  // ask again then: it may be saved by now
    }).catch(function () { return null; });
  }

  function describe() {
    var state = document.getElementById("notify-state"), button = document.getElementById("notify-opt-in");
    if (!state || !button) { return; }
    if (!supported()) {
      state.textContent = "This browser cannot show notifications.";
      button.hidden = true;
    } else if (Notification.permission === "denied") {
      state.textContent = "Notifications are blocked for nasalis in this browser's settings.";
      button.hidden = true;
    } else if (on()) {
      state.textContent = "On: this device shows a notification at the reminder time when today's check-in is missing.";
      button.textContent = "Turn the reminder off on this device";
    } else {
      state.textContent = "Off on this device.";
      button.textContent = "Turn the reminder on on this device";
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.id !== "notify-opt-in") { return; }
    if (on()) {
      localStorage.removeItem(OPTED);
      describe();
      return;
    }
    Notification.requestPermission().then(function (answer) {
      if (answer === "granted") { localStorage.setItem(OPTED, "on"); }
      describe();
      check();
    });
  });
  document.addEventListener("htmx:load", describe);
  describe();
  check();
})();
