/* The people pickers of the member pages (co-authors, co-signers): a search box above the
 * checkbox list hides the members whose name, sector or pinyin ("zhangsan", initials "zs") do
 * not contain what is typed. Ticked members stay shown, so a choice never disappears from
 * view. Without JavaScript the whole list, in pinyin order, works as before. The texts come
 * translated from the page (data-* attributes of the box, members/widgets.py, opinions/forms.py). */
(function () {
  "use strict";
  var counter = 0;
  Array.prototype.forEach.call(document.querySelectorAll("[data-people-picker]"), function (box) {
    var options = Array.prototype.map.call(
      box.querySelectorAll("input[type=checkbox][data-search]"),
      function (input) {
        return { input: input, row: input.closest(".form-check") || input.parentNode };
      }
    );
    if (!options.length) {
      return;
    }
    counter += 1;
    var wrap = document.createElement("div");
    wrap.className = "mb-2 people-picker-search";
    var label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = "people-picker-search-" + counter;
    label.textContent = box.getAttribute("data-search-label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = label.htmlFor;
    input.className = "form-control";
    input.autocomplete = "off";
    input.setAttribute("enterkeyhint", "search");
    input.placeholder = box.getAttribute("data-search-placeholder") || "";
    var status = document.createElement("div");
    status.className = "form-text";
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    box.parentNode.insertBefore(wrap, box);

    function filter() {
      var typed = input.value.toLowerCase().replace(/\s+/g, "");
      var shown = 0;
      options.forEach(function (option) {
        var text = option.input.getAttribute("data-search").replace(/\s+/g, " ");
        var match =
          !typed ||
          option.input.checked ||
          text.indexOf(typed) !== -1 ||
          text.replace(/\s+/g, "").indexOf(typed) !== -1;
        option.row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      status.textContent = typed && !shown ? box.getAttribute("data-search-empty") : "";
    }
    input.addEventListener("input", filter);
    // Enter in the search box filters; it must not send the whole form half-written.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });
})();
