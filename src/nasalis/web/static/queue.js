// Logging with no connection. "Twitch now", its details and the check-in are kept in IndexedDB
// and sent when the connection is back. Each entry gets a key made on this device, sent as the
// Idempotency-Key header, so a send that reached the server but lost its answer is not stored a
// second time when it is retried (and a twitch's start instant is the diary's own natural key).
// An entry leaves IndexedDB only once the server confirmed it, or refused it for good: then it
// stays and is shown to the person with the server's words, never dropped in silence.
(function () {
  "use strict";
  var DB = "nasalis", STORE = "waiting", RETRY_MS = 10000, OWNER = "nasalis-owner";
  var syncing = false, sentHere = 0, last = null;  // last: the twitch the details form is about
  var tappedAt = null;  // the instant of the last online tap of Twitch now, kept if its send fails
  localStorage.removeItem(OWNER);  // an older version kept the owner for every tab: forget it

  function mark(name) {
    var box = document.getElementById("waiting");
    return box ? box.getAttribute("data-" + name) : null;
  }
  function offlinePage() { return document.getElementById("offline-signed-out") !== null; }
  // Whose entries these are: server mode's accounts share one browser's IndexedDB, and one
  // person's waiting twitches must never be sent, listed or filed under another's. Only a page
  // the server answered says who is signed in; the offline page trusts only what such a page
  // said in this same tab (sessionStorage), never a last owner kept for the whole browser.
  function pageOwner() {
    var who = mark("owner");
    if (who) {
      sessionStorage.setItem(OWNER, who);
    } else if (!offlinePage() && document.getElementById("waiting")) {
      sessionStorage.removeItem(OWNER);  // a server page with nobody signed in
    }
    return who;
  }
  function owner() { return pageOwner() || (offlinePage() ? sessionStorage.getItem(OWNER) : null); }

  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore(STORE, { keyPath: "key" }); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result, tx = db.transaction(STORE, mode), request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function all() {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (list) {
      return list.sort(function (a, b) { return a.made - b.made; });
    });
  }
  function put(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function remove(key) { return withStore("readwrite", function (s) { return s.delete(key); }); }

  function pad(n, width) { return String(n).padStart(width || 2, "0"); }
  function localInstant(d) {
    // ISO 8601 with this device's offset, to the millisecond: two taps in one second are two twitches.
    var off = -d.getTimezoneOffset(), a = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) +
      ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3) +
      (off >= 0 ? "+" : "-") + pad(Math.floor(a / 60)) + ":" + pad(a % 60);
  }
  function describe(entry) {
    if (entry.kind === "episode") { return "Twitch at " + entry.body.started_at.slice(11, 16); }
    var date = (entry.fields.filter(function (f) { return f[0] === "date"; })[0] || [null, ""])[1];
    return "Check-in" + (date ? " of " + date : "");
  }

  function render() {
    var box = document.getElementById("waiting");
    if (!box) { return Promise.resolve(); }
    return all().then(function (list) {
      var who = owner();
      if (!who) {
        // Nobody confirmed in this tab: keep every entry, list none of them.
        box.replaceChildren();
        if (offlinePage() && list.length) { box.textContent = "Sign in to see what waits to be saved."; }
        box.hidden = !box.childNodes.length;
        return;
      }
      var mine = list.filter(function (e) { return e.owner === who; });
      var waiting = mine.filter(function (e) { return e.state === "waiting"; });
      var refused = mine.filter(function (e) { return e.state === "refused"; });
      box.replaceChildren();
      if (waiting.length) {
        var line = document.createElement("p");
        line.textContent = waiting.length + " waiting to be saved" +
          (navigator.onLine ? "." : ": they are kept on this device and sent when the connection is back.");
        box.appendChild(line);
      } else if (sentHere && !refused.length) {
        box.textContent = "All saved.";
      }
      if (refused.length) {
        var head = document.createElement("p");
        head.textContent = refused.length + " could not be saved (they stay here until you remove them):";
        var items = document.createElement("ul");
        refused.forEach(function (entry) {
          var item = document.createElement("li"), drop = document.createElement("button");
          item.textContent = describe(entry) + ": " + entry.message;
          drop.type = "button";
          drop.className = "secondary";
          drop.textContent = "Remove";
          drop.setAttribute("aria-label", "Remove " + describe(entry));
          drop.addEventListener("click", function () { remove(entry.key).then(render); });
          item.appendChild(drop);
          items.appendChild(item);
        });
        box.appendChild(head);
        box.appendChild(items);
      }
      box.hidden = !box.childNodes.length;
    });
  }

  function send(entry, token) {
    var headers = { "Idempotency-Key": entry.key, "X-CSRF-Token": token };
    if (entry.kind === "episode") {
      headers["Content-Type"] = "application/json";
      return fetch("/api/episodes", { method: "POST", headers: headers, body: JSON.stringify(entry.body) });
    }
    // The check-in goes to its own form's route: the server reads it exactly as if typed online.
    // The redirect is followed, so where it lands tells a saved check-in (back on the page) from
    // an ended session (the sign-in page), which both answer with a 303.
    var body = new URLSearchParams(entry.fields);
    body.set("csrf_token", token);
    return fetch(entry.action, { method: "POST", headers: headers, body: body, redirect: "follow" });
  }
  function signedOut(response) {
    return response.redirected && new URL(response.url).pathname === "/login";
  }
  function saved(entry, response) {
    if (!response.ok || signedOut(response)) { return false; }
    return entry.kind === "episode" || response.redirected;  // the form route answers a save with a 303
  }
  function refusal(response) {
    // The server's own words for why it can never be saved.
    var type = response.headers.get("content-type") || "";
    return response.text().then(function (text) {
      if (type.indexOf("json") >= 0) {
        try {
          var detail = JSON.parse(text).detail;
          if (Array.isArray(detail)) {
            return detail.map(function (d) { return d.loc[d.loc.length - 1] + ": " + d.msg; }).join("; ");
          }
          return String(detail);
        } catch (e) { return "refused (" + response.status + ")"; }
      }
      var page = new DOMParser().parseFromString(text, "text/html");
      var summary = page.querySelector("#error-summary ul") || page.querySelector("main");
      return summary ? summary.textContent.replace(/\s+/g, " ").trim() : "refused (" + response.status + ")";
    });
  }
  // 409 is not here: the server says another send with the key is still being handled.
  var FOR_GOOD = [400, 404, 413, 422];
  var BUSY_TRIES = 3;
  function pause(response) {
    var seconds = Number(response.headers.get("retry-after")) || 1;
    return new Promise(function (resolve) { setTimeout(resolve, Math.min(seconds, 10) * 1000); });
  }
  function stillThere(key) { return withStore("readonly", function (s) { return s.get(key); }); }

  function sync() {
    var token = mark("csrf"), who = pageOwner();
    // Only a page of a signed-in person has the token (and says who that is); the offline page waits.
    if (syncing || !token || !who || !navigator.onLine) { return render(); }
    syncing = true;
    return all().then(function (list) {
      var mine = list.filter(function (e) { return e.owner === who && e.state === "waiting"; });
      var next = function (i, busy) {
        if (i >= mine.length) { return null; }
        var entry = mine[i];
        return send(entry, token).then(function (response) {
          if (saved(entry, response)) {
            sentHere += 1;
            return remove(entry.key).then(render).then(function () { return next(i + 1, 0); });
          }
          if (response.status === 409) {
            // Still being handled: ask again after Retry-After; after a few tries, the next round.
            return pause(response).then(function () { return busy + 1 < BUSY_TRIES ? next(i, busy + 1) : next(i + 1, 0); });
          }
          if (FOR_GOOD.indexOf(response.status) >= 0) {
            return refusal(response).then(function (message) {
              return stillThere(entry.key).then(function (stored) {
                if (!stored) { return null; }  // another tab sent it meanwhile: nothing to mark
                entry.state = "refused";
                entry.message = message;
                return put(entry);
              });
            }).then(render).then(function () { return next(i + 1, 0); });
          }
          if (response.status >= 500) { return next(i + 1, 0); }  // this one later; the rest may go now
          return null;  // 401, 403, an ended session: none of them can go now; keep them all
        }, function () { return null; });  // no connection after all: later
      };
      return next(0, 0);
    }).then(function () { syncing = false; return render(); }, function () { syncing = false; return render(); });
  }
  function soon() {
    if (navigator.onLine) { sync(); }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) { return reg.sync.register("nasalis-waiting"); }
        return null;
      }).catch(function () { return null; });
    }
  }

  function showDetails() {
    var template = document.getElementById("queued-details-template");
    if (!template) { return; }
    var shown = document.getElementById("queued-details");
    if (shown) { shown.remove(); }  // a fresh form for the newest twitch
    template.after(template.content.cloneNode(true));
    var section = document.getElementById("queued-details");
    section.scrollIntoView({ block: "start" });
  }
  function queueTwitch(at) {
    var who = owner();
    if (!who) {
      var signedOut = document.getElementById("offline-signed-out");
      if (signedOut) { signedOut.hidden = false; }
      return;
    }
    var entry = {
      key: crypto.randomUUID(), owner: who, kind: "episode", state: "waiting", made: Date.now(),
      body: { started_at: localInstant(at || new Date()) },
    };
    last = entry;
    put(entry).then(render).then(showDetails).then(soon);
  }
  function queueForm(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") { fields.push([name, value]); }
    });
    var entry = {
      key: crypto.randomUUID(), owner: owner(), kind: "form", action: form.getAttribute("action"),
      state: "waiting", made: Date.now(), fields: fields,
    };
    put(entry).then(render).then(soon);
  }
  function saveDetails(form) {
    if (!last) { return; }
    var data = new FormData(form), details = {};
    if (data.get("intensity")) { details.intensity = Number(data.get("intensity")); }
    if (data.get("side")) { details.side = data.get("side"); }
    if (data.getAll("areas").length) { details.areas = data.getAll("areas"); }
    var entry = last;
    withStore("readonly", function (s) { return s.get(entry.key); }).then(function (stored) {
      // Whether or not the bare twitch has gone already, the details go as a new send of the same
      // start instant (which replaces that twitch): a new key, so the server does not answer with
      // what it kept for the bare one.
      var updated = {
        key: crypto.randomUUID(), owner: entry.owner, kind: "episode", state: "waiting", made: entry.made,
        body: Object.assign({}, (stored || entry).body, details),
      };
      last = updated;
      return (stored ? remove(stored.key) : Promise.resolve()).then(function () { return put(updated); });
    }).then(function () {
      var section = document.getElementById("queued-details");
      if (section) { section.remove(); }
      return render();
    }).then(soon);
  }

  // Which forms can be kept on the device: "twitch", "form" (the check-in) or null.
  function kept(form) {
    return form.getAttribute("data-offline") || (form.id === "check-in-form" ? "form" : null);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if (form.id === "queued-details-form") {
      event.preventDefault();
      event.stopImmediatePropagation();  // htmx would post it to the page's own address
      saveDetails(form);
      return;
    }
    if (form.getAttribute("action") === "/logout") { sessionStorage.removeItem(OWNER); return; }
    var kind = kept(form);
    if (!kind) { return; }
    if (navigator.onLine && !offlinePage()) {  // online: the form goes as always
      if (kind === "twitch") {
        // The server starts the twitch at the tap's own instant: if this send's answer is lost and
        // the queued copy (same instant) is sent later, the two are one episode, not two.
        tappedAt = new Date();
        var field = form.querySelector("input[name=tapped_at]");
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = "tapped_at";
          form.appendChild(field);
        }
        field.value = localInstant(tappedAt);
      }
      return;
    }
    // Capture phase, before htmx: the form must not be posted into a missing connection.
    event.preventDefault();
    event.stopImmediatePropagation();
    if (kind === "twitch") { queueTwitch(); } else { queueForm(form); }
  }, true);

  function backOnline() {
    // The offline page holds no token: the real page, once it loads, sends what waits. Reload
    // only once the server answers (the "online" event comes as soon as a network is there).
    if (!offlinePage()) { sync(); return; }
    fetch("/sw.js", { cache: "no-store" }).then(function (r) {
      if (r.ok) { location.reload(); }
    }).catch(function () { return null; });
  }
  window.addEventListener("online", backOnline);
  window.addEventListener("offline", render);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "sync") { sync(); }
    });
  }
  // "Online" only says a network is there: when the post itself fails (weak Wi-Fi, server down),
  // keep the entry as if offline. A twitch keeps the tap's own instant and gets its own key, so
  // however often it is retried it is one row.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.target;
    var kind = form instanceof HTMLFormElement ? kept(form) : null;
    if (kind === "twitch") {
      queueTwitch(tappedAt);
      tappedAt = null;
    } else if (kind === "form") {
      queueForm(form);
    }
  });
  document.addEventListener("htmx:load", function () { sync(); });
  setInterval(function () { if (navigator.onLine) { backOnline(); } }, RETRY_MS);
  sync();
})();
