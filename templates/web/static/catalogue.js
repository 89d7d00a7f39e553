// The SOP catalogue's search box (sop serve's /sops and the static site of `sop site`): hides the rows
// that do not hold every word typed. Plain script, no server: it works from file:// too.
(function () {
  if (window.sopCatalogueSearch) return; // htmx may run the script again on a swapped page
  window.sopCatalogueSearch = true;
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-filter]")) return;
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    document.querySelectorAll(box.getAttribute("data-filter")).forEach(function (row) {
      var text = fold(row.textContent + " " + (row.getAttribute("data-search") || ""));
      var hit = words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !hit;
      if (hit) shown += 1;
    });
    var count = document.querySelector(box.getAttribute("data-count"));
    if (count) count.textContent = String(shown) + " / " + String(document.querySelectorAll(box.getAttribute("data-filter")).length);
    var none = document.getElementById("none");
    if (none) none.hidden = shown > 0;
  });
})();
