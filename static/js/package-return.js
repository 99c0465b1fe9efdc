/* A cmi5 AU that ends sends its frame here: take the whole window back to the
   lesson page, so that the page is not shown inside its own frame. */
(function () {
  "use strict";
  var link = document.getElementById("package-return");
  if (link && window.top !== window.self) { window.top.location.href = link.href; }
}());
