/* The resident form's CAPTCHA: a button for another sum, for whoever cannot read this one.
 * It fetches a new challenge from django-simple-captcha's refresh view, so nothing typed
 * into the form is lost. Without JavaScript the button stays hidden and reloading the page
 * gives a new sum, as the picture's text alternative says. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-captcha-refresh]");
  Array.prototype.forEach.call(buttons, function (button) {
    var box = button.closest("[data-captcha]");
    var image = box.querySelector("img");
    var key = box.querySelector("input[type=hidden]");
    var answer = box.querySelector("input:not([type=hidden])");
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(button.getAttribute("data-captcha-refresh"), {
        headers: { "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin"
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          return response.json();
        })
        .then(function (data) {
          image.src = data.image_url;
          key.value = data.key;
          answer.value = "";
          answer.focus();
        })
        .catch(function () {
          window.location.reload();
        })
        .then(function () {
          button.disabled = false;
        });
    });
  });
})();
