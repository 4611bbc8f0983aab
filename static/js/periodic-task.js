// django-celery-beat's periodic task form: under the crontab field, the schedule in words.
// Formerly an inline script of its template (templates/admin/djcelery/change_periodictask_form.html).
(function ($) {
  const data = document.getElementById("readable-crontabs");
  if (!$ || !data) return;
  const readableCrontabs = JSON.parse(data.textContent);
  const help = $(".field-crontab .help");
  const originalCrontabHelp = help.html();
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    const additional = readableCrontabs[$("#id_crontab").val()];
    help.text("");
    help.html(originalCrontabHelp);
    help.append(document.createElement("br"), document.createTextNode(additional));
  });
})(window.django && window.django.jQuery);
