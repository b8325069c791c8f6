// The township filter applies as soon as a township is chosen; without
// this script the button next to it does the same.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
