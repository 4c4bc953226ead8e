/* The phone-width disclosures (the header's "Menu", the search page's "Filtre"):
 * site.css shows their content on wider screens through ::details-content.
 * Only for browsers without that selector, this opens each <details
 * data-open-from="40rem"> once the window is at least that wide. Without
 * JavaScript the <details> still opens and closes by mouse and keyboard.
 */
(function () {
  "use strict";
  if (!window.matchMedia || !window.CSS || !CSS.supports) { return; }
  if (CSS.supports("selector(::details-content)")) { return; }

  function watch(details) {
    var wide = window.matchMedia("(min-width: " + details.getAttribute("data-open-from") + ")");
    function apply() { if (wide.matches) { details.open = true; } }
    apply();
    if (wide.addEventListener) { wide.addEventListener("change", apply); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-open-from]"), watch);
  });
})();
