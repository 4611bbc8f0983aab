/* The resident form: choosing a street narrows the community list to that street's
 * communities at once. Without JavaScript the list stays grouped by street and the server
 * refuses a community of another street with a message (residents/forms.py). */
(function () {
  "use strict";
  var street = document.getElementById("id_street");
  var community = document.getElementById("id_community");
  if (!street || !community) {
    return;
  }
  function narrow() {
    var chosen = street.value ? street.options[street.selectedIndex].text : "";
    Array.prototype.forEach.call(community.querySelectorAll("optgroup"), function (group) {
      var shown = !chosen || group.label === chosen;
      group.hidden = !shown;
      group.disabled = !shown;
    });
    var selected = community.options[community.selectedIndex];
    if (selected && selected.parentNode.disabled) {
      community.value = "";
    }
  }
  street.addEventListener("change", narrow);
  narrow();
})();
