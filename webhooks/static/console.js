// Staff console: canned replies fill the reply box (no inline scripts: the CSP forbids them).
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.canned-reply");
  if (!button) return;
  var box = document.getElementById("reply-body");
  if (!box) return;
  box.value = button.dataset.text;
  box.focus();
});
