// Conveniences only: every page works the same without this file.
(function () {
  "use strict";
  var box = document.getElementById("q");
  if (!box) return;
  var form = box.form;

  // "/" jumps to the search box, as on many sites, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // A ticked option is the default: send neither it nor its hidden "0", so the address stays
  // the short one (without this file the server redirects to it instead).
  var options = form.querySelectorAll("input[type=checkbox]");
  var held = [];
  form.addEventListener("submit", function () {
    options.forEach(function (option) {
      if (!option.checked) return;
      form.querySelectorAll('input[name="' + option.name + '"]').forEach(function (input) {
        input.disabled = true;
        held.push(input);
      });
    });
  });
  // Back to a page whose form was sent, the browser restores the form as it was left.  Show
  // the search these results are for instead, and make the form usable again.
  window.addEventListener("pageshow", function () {
    held.forEach(function (input) { input.disabled = false; });
    held = [];
    box.value = box.defaultValue;
    options.forEach(function (option) { option.checked = option.defaultChecked; });
  });

  // Changing an option searches again at once, when there is something to search for.
  options.forEach(function (option) {
    option.addEventListener("change", function () {
      if (box.value.trim()) form.requestSubmit();
    });
  });
})();
