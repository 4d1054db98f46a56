// Small behaviours for our pages; loaded as a file so pages need no inline script (CSP).
document.addEventListener("click", function (event) {
  var printer = event.target.closest("[data-print]");
  if (printer) { event.preventDefault(); window.print(); }
});
