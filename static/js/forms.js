/* A form sent back with errors: put the keyboard (and a screen reader) on the first field that
 * needs correcting. Django marks it aria-invalid="true" and links its error text through
 * aria-describedby, so the reader says the label and then what is wrong. Without JavaScript the
 * page still shows each error beside its field and an alert above the form. */
(function () {
  "use strict";
  var invalid = document.querySelector(
    "main [aria-invalid=true]:not([type=hidden]), main fieldset[aria-invalid=true] input"
  );
  if (!invalid) {
    return;
  }
  invalid.focus({ preventScroll: true });
  invalid.scrollIntoView({ block: "center" });
})();
