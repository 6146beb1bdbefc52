// The page of `nasalis video annotate`: play the clip, mark each twitch at a frame with a key,
// say its region, side and lid, and save the truth file. Everything works from the keyboard.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("annotate-data").textContent);
  var token = document.querySelector('meta[name="annotate-token"]').content;
  var base = data.truth || {};
  var fps = data.fps;
  var $ = function (id) { return document.getElementById(id); };
  var video = $("video");
  var seek = $("seek");
  var editor = $("editor");
  var nextId = 1;
  // A mark keeps every key it was loaded with (amplitude, shape...), so a re-save loses nothing.
  var twitches = (base.twitches || []).map(function (t) {
    return Object.assign({}, t, { id: nextId++ });
  });
  var blinks = (base.blinks || []).slice();
  var selected = twitches.length ? twitches[0].id : null;
  var lastDeleted = null;
  var rateIndex = data.rates.indexOf(1);
  var dirty = false;
  var replaceConfirmed = false;

  function frameNow() { return Math.floor(video.currentTime * fps + 1e-3); }
  function timeNow() { return Math.round((frameNow() / fps) * 1000) / 1000; }
  function fmt(s) { return s === null || s === undefined ? "—" : s.toFixed(3) + " s"; }
  function say(text) { $("status").textContent = text; }
  function changed() { dirty = true; $("saved").textContent = ""; }
  function byId(id) { return twitches.find(function (t) { return t.id === id; }) || null; }
  function sorted() { return twitches.slice().sort(function (a, b) { return a.onset_s - b.onset_s; }); }

  function goTo(seconds) {
    video.pause();
    // Half a frame in: the frame shown is the frame named, whatever the rounding of the player.
    var frame = Math.max(0, Math.round(seconds * fps));
    video.currentTime = Math.min((frame + 0.5) / fps, video.duration || data.seconds);
  }
  function step(frames) { goTo((frameNow() + frames) / fps); }

  function showClock() {
    var playing = !video.paused && !video.ended;
    $("clock").textContent = (video.currentTime).toFixed(3) + " s · frame " + frameNow() +
      " of " + Math.round(data.seconds * fps);
    seek.value = String(video.currentTime);
    $("play").firstChild.textContent = playing ? "Pause " : "Play ";
  }

  function setRate(index) {
    rateIndex = Math.max(0, Math.min(data.rates.length - 1, index));
    video.playbackRate = data.rates[rateIndex];
    $("rate").textContent = "speed " + data.rates[rateIndex] + "×";
    say("Playing at " + data.rates[rateIndex] + "× speed.");
  }

  function togglePlay() {
    if (video.paused || video.ended) { video.play(); } else { video.pause(); }
  }

  function describe(t) {
    return "Twitch at " + fmt(t.onset_s) + ": " + (t.region || "region not said") + ", " +
      (t.side ? "the person's " + t.side : "side not said") +
      (t.region === "eyelid" && t.lid ? ", " + t.lid + " lid" : "") + (t.shape ? ", " + t.shape : "");
  }

  function renderMarks() {
    var body = $("marks").tBodies[0];
    body.textContent = "";
    sorted().forEach(function (t) {
      var row = body.insertRow();
      var first = row.insertCell();
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "link";
      choose.textContent = fmt(t.onset_s);
      choose.setAttribute("aria-label", "Edit the " + describe(t).toLowerCase());
      choose.addEventListener("click", function () { select(t.id, true); });
      first.appendChild(choose);
      [t.region || "?", t.side || "?", t.region === "eyelid" ? (t.lid || "not said") : "",
        t.duration_s === null || t.duration_s === undefined ? "" : fmt(t.onset_s + t.duration_s)
      ].forEach(function (text) { row.insertCell().textContent = text; });
      if (t.id === selected) { row.className = "chosen"; row.setAttribute("aria-current", "true"); }
    });
    $("count").textContent = String(twitches.length);
    $("empty").hidden = twitches.length > 0;
    renderEditor();
    renderBlinks();
  }

  function renderEditor() {
    var t = byId(selected);
    editor.hidden = t === null;
    if (t === null) { return; }
    $("editor-title").textContent = describe(t);
    $("onset").value = String(t.onset_s);
    $("end").value = t.duration_s === null || t.duration_s === undefined ? "" :
      String(Math.round((t.onset_s + t.duration_s) * 1000) / 1000);
    editor.querySelectorAll('input[name="region"]').forEach(function (r) { r.checked = r.value === t.region; });
    editor.querySelectorAll('input[name="side"]').forEach(function (r) { r.checked = r.value === t.side; });
    editor.querySelectorAll('input[name="lid"]').forEach(function (r) { r.checked = r.value === (t.lid || ""); });
    editor.querySelectorAll('input[name="shape"]').forEach(function (r) { r.checked = r.value === (t.shape || ""); });
    $("lid-field").hidden = t.region !== "eyelid";
  }

  function renderBlinks() {
    var list = $("blinks");
    list.textContent = "";
    blinks.slice().sort(function (a, b) { return a - b; }).forEach(function (b) {
      var item = document.createElement("li");
      item.appendChild(document.createTextNode(fmt(b) + " "));
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "link danger";
      drop.textContent = "Delete";
      drop.setAttribute("aria-label", "Delete the blink at " + fmt(b));
      drop.addEventListener("click", function () {
        blinks.splice(blinks.indexOf(b), 1);
        changed();
        renderMarks();
        say("Blink at " + fmt(b) + " deleted.");
      });
      item.appendChild(drop);
      list.appendChild(item);
    });
    $("blink-count").textContent = String(blinks.length);
  }

  function select(id, go) {
    selected = id;
    var t = byId(id);
    renderMarks();
    if (t && go) { goTo(t.onset_s); }
    if (t) { say("Chosen: " + describe(t) + "."); }
  }

  function update(field, value) {
    var t = byId(selected);
    if (t === null) { say("Mark a twitch first (T)."); return; }
    if (field === "lid") {
      if (t.region !== "eyelid") { say("A lid is said only of an eyelid twitch."); return; }
      if (value) { t.lid = value; } else { delete t.lid; }
    } else if (field === "shape") {
      if (value) { t.shape = value; } else { delete t.shape; }
    } else {
      t[field] = value;
      if (field === "region" && value !== "eyelid") { delete t.lid; }
    }
    changed();
    renderMarks();
    say(describe(t) + ".");
  }

  function markTwitch() {
    var previous = byId(selected);
    var t = { id: nextId++, onset_s: timeNow(), duration_s: null, amplitude: null, region: null, side: null };
    // Most people twitch in one place: the new mark starts as the last one chosen.
    if (previous) {
      t.region = previous.region;
      t.side = previous.side;
      if (previous.lid) { t.lid = previous.lid; }
    }
    twitches.push(t);
    selected = t.id;
    changed();
    renderMarks();
    say("Twitch marked at " + fmt(t.onset_s) + (t.region ? " (" + t.region + ", " + t.side + ")" :
      ": now say its region (1–4) and side (R, L, D)") + ".");
  }

  function markBlink() {
    var at = timeNow();
    if (blinks.indexOf(at) < 0) { blinks.push(at); }
    changed();
    renderMarks();
    say("Blink marked at " + fmt(at) + ".");
  }

  function setOnset(value) {
    var t = byId(selected);
    if (t === null || !(value >= 0)) { return; }
    var end = t.duration_s === null || t.duration_s === undefined ? null : t.onset_s + t.duration_s;
    t.onset_s = Math.round(value * 1000) / 1000;
    t.duration_s = end !== null && end > t.onset_s ? Math.round((end - t.onset_s) * 1000) / 1000 : null;
    changed();
    renderMarks();
    say("Onset " + fmt(t.onset_s) + ".");
  }

  function setEnd(value) {
    var t = byId(selected);
    if (t === null) { return; }
    if (value === null || isNaN(value)) { t.duration_s = null; }
    else if (value <= t.onset_s) { say("The end must come after the onset (" + fmt(t.onset_s) + ")."); return; }
    else { t.duration_s = Math.round((value - t.onset_s) * 1000) / 1000; }
    changed();
    renderMarks();
    say(t.duration_s === null ? "No end marked." : "End " + fmt(t.onset_s + t.duration_s) + ".");
  }

  function deleteSelected() {
    var t = byId(selected);
    if (t === null) { return; }
    var order = sorted();
    var at = order.indexOf(t);
    twitches.splice(twitches.indexOf(t), 1);
    lastDeleted = t;
    var next = order[at + 1] || order[at - 1] || null;
    selected = next ? next.id : null;
    $("undo-delete").hidden = false;
    changed();
    renderMarks();
    say("Deleted the " + describe(t).toLowerCase() + ". Z brings it back.");
  }

  function undoDelete() {
    if (lastDeleted === null) { return; }
    twitches.push(lastDeleted);
    selected = lastDeleted.id;
    say("Brought back the " + describe(lastDeleted).toLowerCase() + ".");
    lastDeleted = null;
    $("undo-delete").hidden = true;
    changed();
    renderMarks();
  }

  function neighbour(direction) {
    var order = sorted();
    if (!order.length) { return; }
    var at = order.findIndex(function (t) { return t.id === selected; });
    var next = order[Math.max(0, Math.min(order.length - 1, at + direction))];
    select(next.id, true);
  }

  function truthToSave() {
    var out = Object.assign({}, base, {
      clip: data.clip,
      fps: base.fps || fps,
      seconds: base.seconds || data.seconds,
      twitches: sorted().map(function (t) {
        var copy = Object.assign({}, t);
        delete copy.id;
        return copy;
      }),
      blinks: blinks.slice().sort(function (a, b) { return a - b; }),
      talking: base.talking || [],
      mirrored: $("mirrored").checked
    });
    return out;
  }

  function unfinished() {
    return sorted().find(function (t) { return !t.region || !t.side; }) || null;
  }

  function save(replace) {
    var gap = unfinished();
    if (gap) {
      select(gap.id, false);
      $("saved").textContent = "Not saved: the twitch at " + fmt(gap.onset_s) + " has no " +
        (gap.region ? "side" : "region") + " yet.";
      (editor.querySelector(gap.region ? 'input[name="side"]' : 'input[name="region"]')).focus();
      return;
    }
    $("saved").textContent = "Saving…";
    fetch("/save", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Annotate-Token": token },
      body: JSON.stringify({ truth: truthToSave(), replace: replace || replaceConfirmed })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      if (answer.status === 409) {
        $("confirm-text").textContent = answer.body.detail + ". Replace it with these " +
          twitches.length + " twitch(es)? The file there now is kept as " + answer.body.backup + ".";
        $("confirm").hidden = false;
        $("saved").textContent = "Not saved yet: say whether to replace the file.";
        $("replace").focus();
        return;
      }
      if (answer.status !== 200) {
        $("saved").textContent = "Not saved: " + answer.body.detail + ". Your marks are still here.";
        return;
      }
      replaceConfirmed = false;
      dirty = false;
      $("saved").textContent = "Saved " + answer.body.twitches + " twitch(es) and " + answer.body.blinks +
        " blink(s) to " + answer.body.saved + (answer.body.backup ? "; the old file is kept as " +
        answer.body.backup : "") + ".";
    }).catch(function () {
      $("saved").textContent = "Not saved: the command is not running any more. Your marks are still here.";
    });
  }

  function sideHint() {
    $("side-hint").textContent = "";
    var strong = document.createElement("strong");
    if ($("mirrored").checked) {
      $("side-hint").appendChild(document.createTextNode("Sides are the person's own. This clip is mirrored, so "));
      strong.textContent = "the person's left is on the left of the picture";
    } else {
      $("side-hint").appendChild(document.createTextNode(
        "Sides are the person's own. In an ordinary (un-mirrored) clip the person faces you, so "));
      strong.textContent = "the person's left is on the right of the picture";
    }
    $("side-hint").appendChild(strong);
    $("side-hint").appendChild(document.createTextNode("."));
  }

  function isTyping(target) {
    return target && (target.tagName === "TEXTAREA" ||
      (target.tagName === "INPUT" && ["number", "text"].indexOf(target.type) >= 0));
  }
  function isControl(target) {
    return target && ["BUTTON", "INPUT", "SELECT", "SUMMARY", "A", "TEXTAREA"].indexOf(target.tagName) >= 0;
  }

  var keys = {
    "k": togglePlay,
    ",": function () { step(-1); },
    ".": function () { step(1); },
    "[": function () { setRate(rateIndex - 1); },
    "]": function () { setRate(rateIndex + 1); },
    "t": markTwitch,
    "b": markBlink,
    "r": function () { update("side", "right"); },
    "l": function () { update("side", "left"); },
    "d": function () { update("side", "both"); },
    "u": function () { update("lid", "upper"); },
    "j": function () { update("lid", "lower"); },
    "s": function () { setOnset(timeNow()); },
    "e": function () { setEnd(timeNow()); },
    "n": function () { neighbour(1); },
    "p": function () { neighbour(-1); },
    "z": undoDelete,
    "Delete": deleteSelected
  };
  data.regions.forEach(function (region, i) { keys[String(i + 1)] = function () { update("region", region); }; });
  // Keys that a focused button, box or slider uses itself: taken only when none has the focus.
  var bodyOnly = {
    " ": togglePlay,
    "Enter": markTwitch,
    "ArrowLeft": function () { goTo(video.currentTime - 0.5); },
    "ArrowRight": function () { goTo(video.currentTime + 0.5); }
  };

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save(false);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (isTyping(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var action = bodyOnly[event.key];
    if (action && isControl(event.target)) { return; }
    action = action || keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) { return; }
    event.preventDefault();
    action();
  });

  $("play").addEventListener("click", togglePlay);
  $("back").addEventListener("click", function () { step(-1); });
  $("forward").addEventListener("click", function () { step(1); });
  $("slower").addEventListener("click", function () { setRate(rateIndex - 1); });
  $("faster").addEventListener("click", function () { setRate(rateIndex + 1); });
  $("mark").addEventListener("click", markTwitch);
  $("blink").addEventListener("click", markBlink);
  $("set-onset").addEventListener("click", function () { setOnset(timeNow()); });
  $("set-end").addEventListener("click", function () { setEnd(timeNow()); });
  $("onset").addEventListener("change", function () { setOnset(parseFloat($("onset").value)); });
  $("end").addEventListener("change", function () {
    setEnd($("end").value === "" ? null : parseFloat($("end").value));
  });
  $("goto").addEventListener("click", function () { var t = byId(selected); if (t) { goTo(t.onset_s); } });
  $("delete").addEventListener("click", deleteSelected);
  $("undo-delete").addEventListener("click", undoDelete);
  $("save").addEventListener("click", function () { save(false); });
  $("replace").addEventListener("click", function () {
    $("confirm").hidden = true;
    replaceConfirmed = true;
    save(true);
  });
  $("cancel").addEventListener("click", function () {
    $("confirm").hidden = true;
    $("saved").textContent = "Not saved; the file was left as it is. Your marks are still here.";
    $("save").focus();
  });
  editor.addEventListener("change", function (event) {
    var input = event.target;
    if (["region", "side", "lid", "shape"].indexOf(input.name) >= 0) { update(input.name, input.value); }
  });
  editor.addEventListener("submit", function (event) { event.preventDefault(); });
  $("mirrored").addEventListener("change", function () { changed(); sideHint(); });
  seek.addEventListener("input", function () { video.pause(); video.currentTime = parseFloat(seek.value); });
  ["timeupdate", "seeked", "play", "pause", "loadeddata"].forEach(function (name) {
    video.addEventListener(name, showClock);
  });
  var copyTried = false;
  function cannotPlay() {
    if (copyTried) {
      say("The clip cannot be played here, nor a copy of it.");
      return;
    }
    copyTried = true;
    say("This browser cannot play the clip's own format: making a copy it can play (the same frames at the same times)…");
    video.src = "/clip/playable.webm";
    video.load();
  }
  video.addEventListener("error", cannotPlay);
  // This script is deferred: a format the browser refuses at once may have failed before it ran.
  if (video.error) { cannotPlay(); }
  video.addEventListener("loadeddata", function () {
    if (copyTried) { say("Playing a copy of the clip (the same frames at the same times)."); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  sideHint();
  renderMarks();
  showClock();
}());
