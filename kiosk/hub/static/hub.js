// The township filter applies as soon as a township is chosen; without
// this script the button next to it does the same.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// An upload over the hub's limit is refused whole (413): say so before
// sending it.
document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (file) { total += file.size; });
    });
    var warning = form.querySelector(".too-big");
    if (total > Number(form.dataset.maxBytes)) {
      event.preventDefault();
      warning.hidden = false;
    } else {
      warning.hidden = true;
    }
  });
});
