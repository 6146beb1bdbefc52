// The upload form on /videos: refuse a clip over the size limit before sending any of it,
// with the same message beside the field that the server would give (it arrives in data-*).
(function () {
  function setError(input, message) {
    var id = input.id + "-error";
    var shown = document.getElementById(id);
    if (!message) {
      if (shown) { shown.remove(); }
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      return;
    }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "field-error";
      shown.id = id;
      shown.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", shown);
    }
    shown.textContent = message.charAt(0).toUpperCase() + message.slice(1);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  }

  function tooLarge(input) {
    var limit = Number(input.dataset.maxBytes || 0);
    var file = input.files && input.files[0];
    return Boolean(limit && file && file.size > limit);
  }

  function check(input) {
    setError(input, tooLarge(input) ? input.dataset.tooLarge : "");
    return !tooLarge(input);
  }

  function setUp() {
    var form = document.getElementById("video-upload");
    var input = form && form.querySelector("input[type=file][data-max-bytes]");
    if (!input || form.dataset.checked) { return; }
    form.dataset.checked = "yes";
    input.addEventListener("change", function () { check(input); });
    form.addEventListener("submit", function (event) {
      if (!check(input)) {
        event.preventDefault();
        input.focus();
      }
    });
  }

  setUp();
  document.addEventListener("htmx:load", setUp);
})();
