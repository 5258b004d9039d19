/* django-celery-beat's periodic task form: shows a crontab schedule in words under the field.
 * Same behaviour as the package's inline script (templates/admin/djcelery/change_periodictask_form.html),
 * moved to a file for the Content Security Policy. */
(function () {
  "use strict";
  var script = document.getElementById("periodic-task-overrides");
  function start() {
    var $ = window.django && window.django.jQuery;
    var data = document.getElementById("readable-crontabs");
    if (!$ || !data) {
      return;
    }
    var readable = JSON.parse(data.textContent);
    var originalHelp = script.dataset.crontabHelp || "";
    $(".field-crontab_translation").hide();
    $(".field-crontab").change(function () {
      var help = $(".field-crontab .help");
      help.text(originalHelp);
      help.append(document.createElement("br"));
      help.append(document.createTextNode("Translation: " + (readable[$("#id_crontab").val()] || "")));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
