// Starts Swagger UI for the m8fx docs page. Loaded as a file (no inline
// script) so that the page works under a 'self'-only script-src CSP. The
// document URL comes from the data-openapi-url attribute of #swagger-ui.
(function () {
  "use strict";
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // No call to the public validator service: the docs work offline.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
