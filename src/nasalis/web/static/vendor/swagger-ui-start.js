// Starts the vendored Swagger UI on /docs. A file, not an inline script, so /docs keeps the
// app's normal Content-Security-Policy; the page names the schema's address in data-spec.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
})();
