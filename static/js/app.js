// Small behaviours for our pages; loaded as a file so pages need no inline script (CSP).
document.addEventListener("click", function (event) {
  var printer = event.target.closest("[data-print]");
  if (printer) { event.preventDefault(); window.print(); }
});

// Self-assessment: choosing 达标 proposes the full score (the field stays editable), and a
// score that does not fit the result shows the same warning the server gives after saving.
(function () {
  var holder = document.querySelector("[data-score-full]");
  var result = document.getElementById("id_result");
  var score = document.getElementById("id_self_score");
  var box = document.querySelector("[data-score-misfit]");
  if (!holder || !result || !score || !box) return;
  var full = parseFloat(holder.getAttribute("data-score-full"));
  if (isNaN(full) || !full) return;
  function check() {
    var value = parseFloat(score.value), why = "";
    if (!isNaN(value)) {
      if (result.value === "partial" && value >= full) why = box.getAttribute("data-partial");
      else if (result.value === "not_met" && value * 2 > full) why = box.getAttribute("data-not-met");
      else if (result.value === "met" && value * 2 < full) why = box.getAttribute("data-met");
      else if (result.value === "not_applicable" && value) why = box.getAttribute("data-not-applicable");
    }
    box.textContent = why;
    box.classList.toggle("d-none", !why);
  }
  result.addEventListener("change", function () {
    if (result.value === "met") score.value = holder.getAttribute("data-score-full");
    check();
  });
  score.addEventListener("input", check);
})();
