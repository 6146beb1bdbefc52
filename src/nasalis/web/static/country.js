// The server guesses the country from Accept-Language's region; where the header has none
// (plain "de"), the browser's own navigator.language ("de-AT") may, so preselect from it.
document.querySelectorAll("select[data-from-browser]").forEach(function (select) {
  var region = ((navigator.language || "").split("-")[1] || "").toUpperCase();
  if (/^[A-Z]{2}$/.test(region) && select.querySelector('option[value="' + region + '"]')) {
    select.value = region;
  }
});
