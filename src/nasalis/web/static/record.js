// The recorder on /videos: film the face with the front camera (no sound), a 3-2-1 countdown,
// a guided part at rest and an optional part read aloud, then send the clip to POST /api/videos
// (the upload form's CSRF token as a header, the same size limit) and open the clip's page.
// The lengths come from the section's data-seconds and data-speech-seconds (the page's
// ?seconds= and ?speech_seconds=); the size limit and its message from data-max-bytes and
// data-too-large, as the file field's.
(function () {
  var TYPES = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm", "video/mp4;codecs=avc1", "video/mp4"];
  // The bitrate fills at most this share of the size limit: a browser's encoder overshoots a little.
  var LIMIT_SHARE = 0.75;
  var MAX_BITS = 2500000;  // more adds nothing the measurement sees at 720p
  var CAMERA_REFUSED = "The camera was not allowed. Allow the camera for this site in the browser's" +
    " settings (the camera or lock sign beside the address), then press Record again; or send a clip below.";
  var NO_CAMERA = "No camera was found. Film with the phone's camera app and send the clip below.";
  var CAMERA_BUSY = "The camera is in use by another app. Close that app, then press Record again.";
  var CANNOT_FILM = "This browser cannot film here: it needs a secure (https) address or a newer" +
    " browser. Film with the phone's camera app and send the clip below.";

  function pickType() {
    for (var i = 0; i < TYPES.length; i++) {
      if (window.MediaRecorder.isTypeSupported(TYPES[i])) { return TYPES[i]; }
    }
    return "";
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The start as ISO 8601 with this device's offset: the server dates the twitches from it.
  function localIso(when) {
    var minutes = -when.getTimezoneOffset();
    var sign = minutes >= 0 ? "+" : "-";
    var off = Math.abs(minutes);
    return when.getFullYear() + "-" + pad(when.getMonth() + 1) + "-" + pad(when.getDate()) + "T" +
      pad(when.getHours()) + ":" + pad(when.getMinutes()) + ":" + pad(when.getSeconds()) +
      sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  function cameraMessage(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { return CAMERA_REFUSED; }
    if (name === "NotFoundError" || name === "OverconstrainedError") { return NO_CAMERA; }
    if (name === "NotReadableError" || name === "AbortError") { return CAMERA_BUSY; }
    return "The camera could not be started (" + (name || "unknown error") + "); send a clip below.";
  }

  function setUp() {
    var section = document.getElementById("recorder");
    if (!section || section.dataset.ready) { return; }
    section.dataset.ready = "yes";
    section.hidden = false;
    var el = function (id) { return document.getElementById(id); };
    var start = el("record-start"), stop = el("record-stop"), speech = el("record-speech");
    var stage = el("record-stage"), preview = el("record-preview"), countdown = el("record-countdown");
    var timer = el("record-timer"), passage = el("record-passage"), status = el("record-status");
    var sending = el("record-sending"), progress = el("record-progress"), again = el("record-again");
    var restSeconds = Number(section.dataset.seconds || 60);
    var speechSeconds = Number(section.dataset.speechSeconds || 30);
    var maxBytes = Number(section.dataset.maxBytes || 0);
    var state = null;  // the recording under way: {stream, recorder, ...}
    var pending = null;  // a clip whose sending failed, for Send again

    function say(message, alarm) {
      status.textContent = message;
      status.setAttribute("role", alarm ? "alert" : "status");
      status.className = alarm ? "error" : "";
    }

    var canFilm = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
    if (!canFilm) {
      start.disabled = true;
      say(CANNOT_FILM, true);
      return;
    }

    function release() {
      if (!state) { return; }
      clearInterval(state.ticker);
      clearTimeout(state.counting);
      state.stream.getTracks().forEach(function (track) { track.stop(); });
      preview.srcObject = null;
      start.hidden = false;
      stage.hidden = true;
      passage.hidden = true;
      stop.hidden = true;
      timer.textContent = "";
      countdown.textContent = "";
    }

    function finish() {
      if (!state || state.done) { return; }
      state.done = true;
      if (state.recorder && state.recorder.state !== "inactive") {
        state.recorder.stop();  // its stop event sends the clip
      } else {
        release();
        state = null;
        start.disabled = false;
        say("Stopped before filming began; nothing was sent.");
        start.focus();
      }
    }

    function tick() {
      if (!state || state.done) { return; }
      if (!document.body.contains(section)) {  // the person went to another page: film no more, send nothing
        state.discard = true;
        finish();
        return;
      }
      var elapsed = (performance.now() - state.began) / 1000;
      var total = restSeconds + (state.withSpeech ? speechSeconds : 0);
      if (state.withSpeech && elapsed >= restSeconds && state.speechFrom === null) {
        state.speechFrom = elapsed;
        passage.hidden = false;
        say("Now read the passage aloud, at your own pace.");
      }
      var left = Math.max(0, Math.ceil(total - elapsed));
      var part = state.speechFrom === null ? "Keep still and look at the screen" : "Read aloud";
      timer.textContent = part + ": " + left + " s left";
      if (elapsed >= total) { finish(); }
    }

    function record() {
      var type = pickType();
      var total = restSeconds + (state.withSpeech ? speechSeconds : 0);
      var bits = maxBytes ? Math.min(MAX_BITS, Math.floor(maxBytes * 8 * LIMIT_SHARE / total)) : MAX_BITS;
      var options = { videoBitsPerSecond: bits };
      if (type) { options.mimeType = type; }
      var recorder = new MediaRecorder(state.stream, options);
      var parts = [];
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) { parts.push(event.data); }
      });
      recorder.addEventListener("stop", function () {
        var made = recorder.mimeType || type || "video/webm";
        var took = state;
        release();
        state = null;
        if (!took.discard) { send(new Blob(parts, { type: made.split(";")[0] }), made, took); }
      });
      state.recorder = recorder;
      recorder.start(1000);  // a part each second: a long clip is not one allocation at the end
      state.began = performance.now();
      state.startedAt = new Date();
      say("Filming.");
      state.ticker = setInterval(tick, 250);
      tick();
    }

    function count(n) {
      if (!state || state.done) { return; }
      if (n === 0) {
        countdown.textContent = "";
        record();
        return;
      }
      countdown.textContent = String(n);
      state.counting = setTimeout(function () { count(n - 1); }, 1000);
    }

    // The API's answer to a refused clip: FastAPI's list of {loc, msg}, or one message.
    function reason(xhr) {
      try {
        var detail = JSON.parse(xhr.responseText).detail;
        if (typeof detail === "string") { return detail; }
        if (detail && detail.length) { return detail[0].loc.slice(-1)[0] + ": " + detail[0].msg; }
      } catch (ignored) { /* not JSON: a proxy's page */ }
      return "the server answered " + xhr.status;
    }

    function keep(blob, type, took, message) {
      pending = { blob: blob, type: type, took: took };
      again.hidden = false;
      say(message, true);
      again.focus();
    }
    function saidSaved() {
      say("The clip was saved by an earlier send (its answer was lost on the way). ");
      var link = document.createElement("a");
      link.href = "/videos";
      link.textContent = "See it in your videos";
      status.appendChild(link);
    }

    // POST /api/videos, as the upload form's clip would be: the CSRF token from the form, and an
    // Idempotency-Key made once per clip, so Send again after a lost answer adds no second clip.
    function send(blob, type, took) {
      start.disabled = false;
      again.hidden = true;
      if (maxBytes && blob.size > maxBytes) {
        say(section.dataset.tooLarge || "The clip is larger than the limit.", true);
        return;
      }
      var form = document.getElementById("video-upload");
      var token = form && form.querySelector("input[name=csrf_token]");
      var name = "recording-" + took.startedAt.getFullYear() + pad(took.startedAt.getMonth() + 1) +
        pad(took.startedAt.getDate()) + "-" + pad(took.startedAt.getHours()) + pad(took.startedAt.getMinutes()) +
        (type.indexOf("mp4") >= 0 ? ".mp4" : ".webm");
      took.key = took.key || (window.crypto && crypto.randomUUID ? crypto.randomUUID() : name + "-" + Math.random());
      var data = new FormData();
      data.append("recorded_at", localIso(took.startedAt));
      if (took.speechFrom !== null) { data.append("speech_from_s", took.speechFrom.toFixed(2)); }
      data.append("file", blob, name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/videos");
      xhr.setRequestHeader("X-CSRF-Token", token ? token.value : "");
      xhr.setRequestHeader("Idempotency-Key", took.key);
      sending.hidden = false;
      progress.value = 0;
      start.disabled = true;
      say("Sending the clip (" + (blob.size / 1000000).toFixed(1) + " MB).");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { progress.value = Math.round(100 * event.loaded / event.total); }
      });
      xhr.addEventListener("load", function () {
        var id = null;
        try { id = xhr.status === 202 ? JSON.parse(xhr.responseText).id : null; } catch (ignored) { id = null; }
        if (typeof id === "number") {
          progress.value = 100;
          say("Sent. Opening the clip's page.");
          window.location.assign("/videos/" + id);
          return;
        }
        sending.hidden = true;
        start.disabled = false;
        if (xhr.status === 200) {
          // The server kept the clip from an earlier send with this key but lost that answer.
          pending = null;
          saidSaved();
          return;
        }
        if (xhr.status === 409 || xhr.status >= 500) {
          // Busy, a restart behind a proxy, or an earlier send with this key still being
          // handled: the clip may yet go, so it stays for Send again (the same key: never twice).
          keep(blob, type, took, "The clip was not sent yet: " + reason(xhr) + ". It is kept on this page:" +
            " press Send again in a moment.");
          return;
        }
        say("The clip was not sent: " + reason(xhr), true);
      });
      xhr.addEventListener("error", function () {
        sending.hidden = true;
        start.disabled = false;
        keep(blob, type, took, "The clip could not be sent: no connection. It is kept on this page:" +
          " press Send again when the connection is back.");
      });
      xhr.send(data);
    }

    start.addEventListener("click", function () {
      if (state) { return; }
      start.disabled = true;
      sending.hidden = true;
      again.hidden = true;
      pending = null;  // a new recording replaces a clip not sent
      say("Starting the camera.");
      var withSpeech = speech.checked;
      navigator.mediaDevices.getUserMedia({
        video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,  // the measurement uses the picture only; no sound is kept
      }).then(function (stream) {
        state = { stream: stream, withSpeech: withSpeech, speechFrom: null, done: false, recorder: null };
        preview.srcObject = stream;
        stage.hidden = false;
        start.hidden = true;  // one button at a time: Stop, where Record was
        stop.hidden = false;
        stop.focus();  // the keyboard's next press stops it
        say("Get ready: filming starts after the countdown.");
        count(3);
      }).catch(function (error) {
        start.disabled = false;
        say(cameraMessage(error), true);
      });
    });
    stop.addEventListener("click", finish);
    again.addEventListener("click", function () {
      if (pending) { send(pending.blob, pending.type, pending.took); }
    });
  }

  setUp();
  document.addEventListener("htmx:load", setUp);
})();
