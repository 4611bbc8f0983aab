/* Elder mode (大字版): flip the large-text mode in place, without a page load, so that nothing
 * typed into a form on the page is lost. The cookie is the one config.views.elder_mode_switch
 * sets; without JavaScript the same button posts to that view instead. */
(function () {
  "use strict";
  var form = document.getElementById("elder-mode-form");
  if (!form) {
    return;
  }
  var button = form.querySelector("button");
  var field = form.querySelector("input[name=elder]");
  var status = document.getElementById("elder-mode-status");
  var YEAR = 365 * 24 * 60 * 60;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var root = document.documentElement;
    var on = !root.classList.contains("elder");
    root.classList.toggle("elder", on);
    var cookie = "elder=" + (on ? "1" : "") + "; path=/; samesite=lax; max-age=" + (on ? YEAR : 0);
    if (window.location.protocol === "https:") {
      cookie += "; secure";
    }
    document.cookie = cookie;
    button.textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
    field.value = on ? "0" : "1";
    if (status) {
      status.textContent = on ? button.dataset.statusOn : button.dataset.statusOff;
    }
  });
})();
