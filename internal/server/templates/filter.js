(function () {
  "use strict";
  var box = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var rows = document.querySelectorAll("tbody tr");
  var names = [];
  for (var i = 0; i < rows.length; i++) {
    names.push(rows[i].cells[0].textContent.toLowerCase());
  }
  function apply() {
    var q = box.value.trim().toLowerCase();
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = q === "" || names[i].indexOf(q) !== -1;
      if (rows[i].hidden === hit) {
        rows[i].hidden = !hit;
      }
      if (hit) {
        n++;
      }
    }
    shown.textContent = q === "" ? "" : n + " of " + rows.length + " match";
  }
  box.addEventListener("input", apply);
  box.hidden = false;
  apply();
})();
