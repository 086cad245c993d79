(function () {
  "use strict";
  // The reader's place in the URL: the hash opens the appendix (or the element inside one)
  // it names, and opening or closing an appendix writes or clears its heading's id.
  function reveal(hash) {
    var target = hash.length > 1 ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView();
  }
  // A table wider than its box says so above it (class "wide", drawn by the style sheet).
  function markWide() {
    document.querySelectorAll(".scroll").forEach(function (box) {
      box.classList.toggle("wide", box.scrollWidth > box.clientWidth + 1);
    });
  }
  document.querySelectorAll("details.appendix").forEach(function (appendix) {
    appendix.addEventListener("toggle", function () {
      var here = "#" + appendix.querySelector("summary [id]").id;
      if (appendix.open && location.hash !== here) history.replaceState(null, "", here);
      if (!appendix.open && location.hash === here) {
        history.replaceState(null, "", location.pathname + location.search);
      }
      markWide();
    });
  });
  window.addEventListener("hashchange", function () { reveal(location.hash); });
  window.addEventListener("resize", markWide);
  reveal(location.hash);
  markWide();
})();
