/* ckanext-territoires: the file fields of territoires/snippets/file_input.html.
   Once this script runs, the native input is hidden from sight (it keeps the
   focus and the labels) and the name of the chosen file, or the field's
   "no file chosen" in the page's language, shows beside the button. */
(function () {
  "use strict";

  function show(box) {
    var input = box.querySelector("input[type=file]");
    var chosen = box.querySelector(".territoires-file-chosen");
    if (!input || !chosen) {
      return;
    }
    var names = Array.prototype.map.call(input.files || [], function (file) {
      return file.name;
    });
    chosen.textContent = names.length
      ? names.join(", ")
      : box.getAttribute("data-territoires-file-none") || "";
  }

  function start() {
    document.querySelectorAll(".territoires-file").forEach(function (box) {
      box.classList.add("territoires-file-js");
      show(box);
    });
    // delegated: CKAN's "Remove" button replaces the input by a clone
    document.addEventListener("change", function (event) {
      var box = event.target.closest && event.target.closest(".territoires-file");
      if (box) {
        show(box);
      }
    });
    document.addEventListener("click", function (event) {
      var remove = event.target.closest && event.target.closest(".btn-remove-url");
      var field = remove && remove.parentNode;
      if (field) {
        window.setTimeout(function () {
          field.querySelectorAll(".territoires-file").forEach(show);
        }, 0);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
