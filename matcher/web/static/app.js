// Progressive enhancement only: every page works without this file.
// Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

// On the participation form Enter in a field must not log a session: only the two answer buttons do.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("log-form");
  if (!form) {
    return;
  }
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName !== "TEXTAREA" && target.tagName !== "BUTTON" &&
        target.tagName !== "SUMMARY") {
      event.preventDefault();
    }
  });
});
