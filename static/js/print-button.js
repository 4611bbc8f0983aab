// Buttons marked data-print open the browser's print dialog (no inline onclick: the
// Content-Security-Policy refuses it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
